"""The small runtime that generated scripts call (`from replaywright import script`).

`runtime` holds `Script` and `@block`, `params` builds a script's `Params`, `cli` runs a
script (on a page, with its own browser, or from its command line); the names generated
code uses are re-exported here.

A generated script is readable Playwright-like Python: one async function per block of the
flow, each action naming its element in plain English with the recorded selector beside it::

    @script.block("login")
    async def login(rw: Script, params: Params) -> None:
        await rw.fill("the Email field", params.user, selector="get_by_label('Email')")
        await rw.click("the Sign in button", selector="get_by_role('button', name='Sign in')")

Every action is one plain-English step run through the engine (`StepSession.step`): the
cached entry's selectors first, the fingerprint check, the matcher, and healing from the
description when the page changed — exactly what a YAML run of the same flow does, with the
same cache keys, so a script replays the entries its flow recorded and vice versa.

A value read from `params` (or a loop variable) is passed to the engine as its template
(`{{ params.user }}`), never as the value itself: keys and recorded code stay parameterised.
"""

from replaywright.flow.expressions import as_list, truthy
from replaywright.script.cli import RUN_OPTIONS, argument_parser, load_module, main, run_module, run_script
from replaywright.script.params import build_params, flow_defaults
from replaywright.script.runtime import Script, block

__all__ = ["RUN_OPTIONS", "Script", "argument_parser", "as_list", "block", "build_params",
           "flow_defaults", "load_module", "main", "run_module", "run_script", "truthy"]
