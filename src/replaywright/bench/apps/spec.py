"""What an app of the benchmark is: `benchmarks/apps/<app>/app.yaml` and its `flows/`.

```yaml
name: datasette
kind: data browser with filters
source: https://pypi.org/project/datasette/
versions:                      # the first records; later ones replay its cache (upgrades)
  - {version: "0.64.8", pip: ["datasette==0.64.8"]}
  - {version: "0.65.5", pip: ["datasette==0.65.5"]}
setup:                         # once per installed version; writes the pristine data
  - "{python} {app}/make_data.py {data}"
start: "{python} -m datasette {data}/fixtures.db --port {port}"
ready: /                       # polled until it answers below 500
```

A later version whose pages name an element differently keeps the flows as written and
overrides only the ground truth: `expect: {search: {3: 'get_by_role("searchbox")'}}`.

Placeholders: `{python}` and `{bin}` (the version's virtualenv), `{node_modules}`, `{home}`
(the version's install folder), `{app}` (this folder), `{data}` (a fresh copy of the
pristine data for every run; the pristine folder itself during setup), `{port}`.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import BaseModel, Field, ValidationError

from replaywright.errors import FlowError


class AppVersion(BaseModel):
    version: str
    pip: list[str] = Field(default_factory=list)
    npm: list[str] = Field(default_factory=list)
    #: Ground truth that changed in this version: flow file stem -> step number -> locator.
    expect: dict[str, dict[int, str]] = Field(default_factory=dict)


class AppSpec(BaseModel):
    name: str
    kind: str = ""
    source: str = ""
    versions: list[AppVersion]
    setup: list[str] = Field(default_factory=list)
    start: str
    ready: str = "/"
    env: dict[str, str] = Field(default_factory=dict)
    startup_timeout: float = 90.0
    folder: Path = Path()

    @property
    def flows(self) -> list[Path]:
        return sorted((self.folder / "flows").glob("*.yaml"))

    def expectations(self, version: AppVersion, flow: str) -> dict[int, str]:
        """Step number -> expect locator overrides for one flow in one version."""
        return version.expect.get(flow, {})

    def version(self, wanted: str | None) -> AppVersion:
        if wanted is None:
            return self.versions[0]
        for candidate in self.versions:
            if candidate.version == wanted:
                return candidate
        raise FlowError(f"app {self.name!r} has no version {wanted!r}; it has: "
                        + ", ".join(v.version for v in self.versions))


def load_app(folder: Path) -> AppSpec:
    path = folder / "app.yaml"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        return AppSpec.model_validate({**data, "folder": folder.resolve()})
    except (OSError, yaml.YAMLError, ValidationError, TypeError) as exc:
        raise FlowError(f"bad app description: {exc}", path=path) from exc


def load_apps(root: Path, only: list[str] | None = None) -> list[AppSpec]:
    """Every app under `root` (folders with an app.yaml), or those named in `only`."""
    apps = [load_app(p.parent) for p in sorted(root.glob("*/app.yaml"))]
    if only:
        unknown = set(only) - {a.name for a in apps}
        if unknown:
            raise FlowError(f"no app named {sorted(unknown)[0]!r} under {root}; there are: "
                            + ", ".join(a.name for a in apps))
        apps = [a for a in apps if a.name in only]
    return apps
