"""Setup: build Starlette's documentation (the docs/ folder and nav of the starlette sdist
on PyPI) with the material theme into DATA/site.

usage: build_site.py DATA STARLETTE_VERSION

The content is Starlette's, unchanged except that <img> tags pointing at remote badge/
screenshot URLs are dropped (the site must work offline). The theme settings are ours:
material with navigation tabs, search, a light/dark palette toggle, code copy buttons,
footer prev/next links and Google fonts off."""

import re
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

import yaml

data, version = Path(sys.argv[1]), sys.argv[2]

with tempfile.TemporaryDirectory() as tmp:
    tmp = Path(tmp)
    subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--disable-pip-version-check",
                    "--no-binary", ":all:", "--no-deps", "-d", str(tmp),
                    f"starlette=={version}"], check=True)
    sdist = next(tmp.glob("starlette-*.tar.gz"))
    with tarfile.open(sdist) as tar:
        tar.extractall(tmp, filter="data")
    src = tmp / f"starlette-{version}"
    docs = src / "docs"
    for page in docs.glob("*.md"):
        text = page.read_text(encoding="utf-8")
        text = re.sub(r"<img\b[^>]*\bsrc=[\"']https?://[^>]*>", "", text)
        page.write_text(text, encoding="utf-8")

    upstream = yaml.safe_load((src / "mkdocs.yml").read_text(encoding="utf-8"))
    config = {
        "site_name": upstream["site_name"],
        "site_description": upstream["site_description"],
        "docs_dir": str(docs),
        "site_dir": str(data / "site"),
        "theme": {
            "name": "material",
            "font": False,
            "palette": upstream["theme"]["palette"],
            "features": [
                "navigation.tabs",
                "navigation.footer",
                "navigation.top",
                "search.suggest",
                "search.highlight",
                "content.code.copy",
                "toc.follow",
            ],
        },
        "nav": upstream["nav"],
        "markdown_extensions": [
            *upstream["markdown_extensions"],
            {"toc": {"permalink": True}},
        ],
        "plugins": ["search"],
    }
    (tmp / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(tmp / "mkdocs.yml")],
                   check=True)
