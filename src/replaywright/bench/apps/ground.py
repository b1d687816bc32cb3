"""`replaywright bench apps --oracle`: every flow of every app carried out with its expect:
locators only, to check the ground truth before any resolver is measured against it."""

from __future__ import annotations

import os
from typing import Any

from replaywright.bench.apps.oracle import run_oracle
from replaywright.bench.apps.serve import AppInstall
from replaywright.bench.apps.spec import AppSpec, AppVersion
from replaywright.browser.launch import BrowserOptions, open_browser
from replaywright.errors import FlowError
from replaywright.flow.loader import load_flow
from replaywright.flow.model import Flow


async def check_ground_truth(apps: list[AppSpec], version: str | None = None,
                             flows: list[str] | None = None,
                             echo: Any = print) -> bool:
    """Run every flow with the oracle; print one line per flow and the first problem."""
    ok = True
    async with open_browser(BrowserOptions()) as session:
        for app in apps:
            install = AppInstall(app, app.version(version))
            for path in app.flows:
                if flows and path.stem not in flows:
                    continue
                try:
                    flow = with_expectations(load_flow(path), app, install.version)
                except FlowError as exc:
                    echo(f"{app.name}/{path.name}: does not load: {exc}")
                    ok = False
                    continue
                with install.serve() as base:
                    page = await session.new_page()
                    steps = await run_oracle(page, flow, base, {}, dict(os.environ))
                done = sum(s.ok for s in steps)
                bad = next((s for s in steps if not s.ok), None)
                echo(f"{app.name} {install.version.version}/{path.name}: {done}/{len(flow.steps)}"
                     " steps" + (f"; step {bad.index} (line {bad.line}) {bad.text!r}: "
                                 f"{bad.problem}" if bad else " ok"))
                ok = ok and bad is None and done == len(flow.steps)
    return ok


def with_expectations(flow: Flow, app: AppSpec, version: AppVersion) -> Flow:
    """The flow with this version's ground-truth overrides applied."""
    overrides = app.expectations(version, flow.path.stem if flow.path else flow.name)
    if not overrides:
        return flow
    steps = [s.model_copy(update={"expect": overrides[s.index]}) if s.index in overrides else s
             for s in flow.steps]
    blocks = [b.model_copy(update={"steps": steps}) if b.kind == "steps" else b
              for b in flow.blocks]
    return flow.model_copy(update={"steps": steps, "blocks": blocks})
