"""`replaywright bench scale`: what one step costs as pages grow — generated table pages of
1k to 50k elements, a step that names its row (`Click the Edit button in the row with
"item 4711"`), timed when it resolves, when it replays from the cache, and when it heals
on a redesign (the row moved, the button became an icon with a title); plus what one page
snapshot costs in the browser and on the wire."""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path
from typing import Any

from replaywright.browser.inpage import SNAPSHOT_JS
from replaywright.browser.launch import BrowserOptions, open_browser
from replaywright.cache.sqlite import SQLiteStore
from replaywright.demo.server import serve_directory
from replaywright.engine.runner import CachePlan, Runner, RunOptions
from replaywright.flow.loader import parse_flow

SIZES = (1000, 5000, 20000, 50000)
ELEMENTS_PER_ROW = 5  # tr, 3 x td, button


def page(rows: int, redesign: bool) -> str:
    """A table of `rows` items. The redesign adds a row on top and turns each Edit button
    into a pencil icon named only by its title, so stored selectors miss: the step is
    relocated by its fingerprint or healed."""
    button = ('<button class="icon" title="Edit">✎</button>' if redesign
              else '<button class="edit">Edit</button>')
    body = ['<tr><td>item new</td><td>nobody</td><td>' + button + "</td></tr>"] if redesign else []
    body += [f"<tr><td>item {i}</td><td>owner {i % 97}</td><td>{button}</td></tr>"
             for i in range(rows)]
    return ("<!DOCTYPE html><html><head><title>Items</title></head><body><h1>Items</h1>"
            "<table><thead><tr><th>Name</th><th>Owner</th><th></th></tr></thead><tbody>"
            + "".join(body) + "</tbody></table></body></html>")


async def measure(sizes: tuple[int, ...] = SIZES, echo: Any = print) -> dict[str, Any]:
    rows_out = []
    with tempfile.TemporaryDirectory(prefix="rw-bench-scale-") as tmp:
        root = Path(tmp)
        async with open_browser(BrowserOptions()) as browser:
            with serve_directory(root) as base:
                for size in sizes:
                    rows = size // ELEMENTS_PER_ROW
                    target = int(rows * 0.9)
                    (root / f"v1-{size}.html").write_text(page(rows, False))
                    (root / f"v2-{size}.html").write_text(page(rows, True))
                    flow = parse_flow(f"name: scale\nsteps:\n  - Click the Edit button in the "
                                      f"row with \"item {target}\"\n")
                    store = SQLiteStore(root / f"cache-{size}.db")
                    timings = {}
                    for label, version in (("resolve", "v1"), ("replay", "v1"), ("heal", "v2")):
                        tab = await browser.new_page()
                        await tab.goto(f"{base}/{version}-{size}.html")
                        runner = Runner(tab, CachePlan(store=store), options=RunOptions(
                            env={}, step_timeout=120))
                        result = await runner.run(flow, {})
                        step = result.steps[0]
                        timings[label] = (step.duration_s, step.status)
                    tab = await browser.new_page()
                    await tab.goto(f"{base}/v1-{size}.html")
                    start = time.monotonic()
                    raw = await tab.evaluate(SNAPSHOT_JS, {})
                    snapshot_ms = (time.monotonic() - start) * 1000
                    store.close()
                    row: dict[str, Any] = {
                        "elements": len(json.loads(raw)["nodes"]),
                        "resolve_s": timings["resolve"][0], "replay_s": timings["replay"][0],
                        "heal_s": timings["heal"][0],
                        "statuses": [timings[k][1] for k in ("resolve", "replay", "heal")],
                        "snapshot_ms": round(snapshot_ms, 1), "snapshot_bytes": len(raw)}
                    rows_out.append(row)
                    echo(f"{row['elements']:>7} elements: resolve {row['resolve_s']:.2f} s, "
                         f"replay {row['replay_s']:.2f} s, heal {row['heal_s']:.2f} s "
                         f"({'/'.join(row['statuses'])}), snapshot {snapshot_ms:.0f} ms, "
                         f"{len(raw) / 1e6:.1f} MB", err=True)
    return {"rows": rows_out}


def format_report(report: dict[str, Any]) -> str:
    lines = [f"{'elements':>9} {'resolve s':>10} {'replay s':>9} {'heal s':>8} "
             f"{'snapshot ms':>12} {'snapshot MB':>12}"]
    for r in report["rows"]:
        lines.append(f"{r['elements']:>9} {r['resolve_s']:>10.2f} {r['replay_s']:>9.2f} "
                     f"{r['heal_s']:>8.2f} {r['snapshot_ms']:>12.0f} "
                     f"{r['snapshot_bytes'] / 1e6:>12.2f}")
    return "\n".join(lines)
