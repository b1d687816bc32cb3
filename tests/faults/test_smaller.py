"""Issue 14, item 10: the smaller faults, on the demo flow — bad flow files are exit code 2
at load, a start page that fails is a failed step, page loads follow --timeout."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from tests.faults.conftest import DEMO, Demo


def variant(demo: Demo, edit) -> Path:
    """The demo flow file with one edit to its text."""
    path = demo.work / "checkout.yaml"
    path.write_text(edit(DEMO.read_text()))
    return path


def test_binary_flow_file(demo: Demo) -> None:
    path = demo.work / "checkout.yaml"
    path.write_bytes(b"name: x\n\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe\x00")
    demo.run(flow=path).check(2, "checkout.yaml:2: not a text file: byte 8 is not UTF-8")


@pytest.mark.parametrize(("edit", "says"), [
    (lambda t: t.replace("name: checkout\n", "name: checkout\nname: again\n"),
     "checkout.yaml:4: duplicate key 'name' (first at line 3)"),
    (lambda t: t.replace("{{ params.query }}", "{{ params.nope }}"),
     "checkout.yaml:15: step 4 \"Type \"{{ params.nope }}\" into the Search field\": "
     "parameter 'nope' is not defined"),
    (lambda t: t.replace("{{ params.query }}", "{{ params.query | nosuchfilter }}"),
     "unknown filter 'nosuchfilter' in '{{ params.query | nosuchfilter }}'"),
])
def test_flow_mistakes_are_load_errors(demo: Demo, edit, says: str) -> None:
    demo.run(flow=variant(demo, edit)).check(2, says)


def test_max_steps_that_is_not_a_number(demo: Demo) -> None:
    data = yaml.safe_load(DEMO.read_text())
    data["blocks"] = [{"label": "shop", "task": "buy a mug", "max_steps": "lots"}]
    del data["steps"]
    path = demo.work / "checkout.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    demo.run(flow=path).check(2, "block 'shop': max_steps must be a whole number of actions "
                                 "(1 or more), not 'lots'")


def test_a_start_page_that_fails_is_a_failed_step(demo: Demo) -> None:
    outcome = demo.run("--base-url", f"{demo.base}/nope/", json=False)
    outcome.check(1, "cannot open the start page", "1 failed")
    assert "0 failed" not in outcome.stderr


@pytest.fixture
def silent_server() -> Iterator[str]:
    """A server that accepts connections and never answers."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    held: list[socket.socket] = []
    stop = threading.Event()

    def hold() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=hold, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    listener.close()


def test_page_load_timeout_follows_timeout(demo: Demo, silent_server: str) -> None:
    result = demo.run("--base-url", f"{silent_server}/", "--timeout", "1").check(
        1, "cannot open the start page")
    assert "Timeout 1000ms exceeded" in result["error"]  # not Playwright's fixed 30 s
