"""Setup: lay out swagger-ui-dist's static files and the Petstore spec (from
@readme/oas-examples) in DATA/www, configured to load the local spec offline.

The only change made to the spec is an extra first entry in `servers`: the local mock
(same origin, path /v2), served by serve.py, which proxies /v2 to a Prism mock server."""

import json
import shutil
import sys
from pathlib import Path

node_modules, data = Path(sys.argv[1]), Path(sys.argv[2])
dist = node_modules / "swagger-ui-dist"
www = data / "www"
www.mkdir(parents=True, exist_ok=True)
for name in ["index.html", "index.css", "swagger-ui.css", "swagger-ui-bundle.js",
             "swagger-ui-standalone-preset.js", "favicon-16x16.png", "favicon-32x32.png",
             "oauth2-redirect.html"]:
    if (dist / name).exists():
        shutil.copy(dist / name, www / name)

spec = json.loads((node_modules / "@readme/oas-examples/3.0/json/petstore.json").read_text())
spec["servers"] = [{"url": "/v2", "description": "Local mock server"}, *spec.get("servers", [])]
(www / "petstore.json").write_text(json.dumps(spec, indent=2))
# Prism mocks the same spec with its servers as shipped (base path /v2).
shutil.copy(node_modules / "@readme/oas-examples/3.0/json/petstore.json", data / "mock.json")

(www / "swagger-initializer.js").write_text("""window.onload = function() {
  window.ui = SwaggerUIBundle({
    url: "./petstore.json",
    dom_id: '#swagger-ui',
    deepLinking: true,
    filter: true,
    validatorUrl: null,
    presets: [
      SwaggerUIBundle.presets.apis,
      SwaggerUIStandalonePreset
    ],
    plugins: [
      SwaggerUIBundle.plugins.DownloadUrl
    ],
    layout: "StandaloneLayout"
  });
};
""")
