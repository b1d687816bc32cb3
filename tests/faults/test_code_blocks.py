"""Issue 14, items 2 and 3: a `code:` block in the demo journey that exits, interrupts or
never ends. Each is a failed block with a message; the run still writes its JSON, report and
JUnit, and exits 1."""

from __future__ import annotations

import pytest

from tests.faults.conftest import Demo


@pytest.mark.parametrize(("fault", "timeout", "says"), [
    ("import sys\nsys.exit(0)", None, "code called sys.exit(0); a code block cannot end the run"),
    ("raise KeyboardInterrupt()", None, "code raised KeyboardInterrupt"),
    ("while True:\n    pass", "1s", "code did not finish within 1s and was stopped"),
])  # (more kinds of exits and endless loops: tests/engine/test_code_blocks.py)
def test_a_code_block_cannot_fake_a_pass_or_hang(demo: Demo, fault: str, timeout: str | None,
                                                  says: str) -> None:
    outcome = demo.run("--timeout", "5", flow=demo.variant(fault, timeout=timeout))
    result = outcome.check(1, says)
    blocks = {b["label"]: b["status"] for b in result["blocks"]}
    assert blocks == {"sign_in": "resolved", "fault": "failed", "shop": "skipped"}
    assert says in result["error"] and result["summary"]["failed"] == 0
    assert 'type="RunFailed"' in outcome.junit.read_text()  # the failure outside any step
