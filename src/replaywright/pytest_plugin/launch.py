"""The browser the `ai` fixture shares with the test: a CDP port added to pytest-playwright's
launch arguments, or this plugin's own sync Chromium when pytest-playwright is absent."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from replaywright.browser.inpage import INIT_SCRIPT

#: The CDP ports browsers were launched with, newest last (read by the bridge).
PORTS = pytest.StashKey[list[int]]()
_PORT_FLAG = "--remote-debugging-port="


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def with_cdp_port(config: pytest.Config, launch_args: dict[str, Any]) -> None:
    """Make sure a Chromium launched with these args listens for CDP; remember the port."""
    args = [str(a) for a in launch_args.get("args") or []]
    given = [a for a in args if a.startswith(_PORT_FLAG)]
    if given:
        port = int(given[-1][len(_PORT_FLAG):] or 0)
    else:
        port = _free_port()
        launch_args["args"] = [*args, f"{_PORT_FLAG}{port}"]
    ports = config.stash[PORTS]
    if port and port not in ports:
        ports.append(port)


def _playwright_chromium_installed() -> bool:
    root = os.environ.get("PLAYWRIGHT_BROWSERS_PATH") or str(Path.home() / ".cache" / "ms-playwright")
    return any(Path(root).glob("chromium*"))


def with_system_chromium(launch_args: dict[str, Any]) -> None:
    """Where Playwright's own Chromium was never downloaded (or REPLAYWRIGHT_CHROMIUM says so),
    launch the system one, as replaywright itself does; a user's own choice stands."""
    from replaywright.browser.launch import default_executable

    if launch_args.get("executable_path") or launch_args.get("channel"):
        return
    if os.environ.get("REPLAYWRIGHT_CHROMIUM") or not _playwright_chromium_installed():
        executable = default_executable()
        if executable:
            launch_args["executable_path"] = executable


def _rw_browser(pytestconfig: pytest.Config) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    from replaywright.browser.launch import DEFAULT_ARGS, default_executable

    launch: dict[str, Any] = {"args": list(DEFAULT_ARGS)}
    with_cdp_port(pytestconfig, launch)
    pw = sync_playwright().start()
    try:
        browser = pw.chromium.launch(executable_path=default_executable(),
                                     headless=not pytestconfig.getoption("rw_headed"), **launch)
    except Exception:
        pw.stop()
        raise
    yield browser
    browser.close()
    pw.stop()


def _rw_page(rw_browser: Any) -> Iterator[Any]:
    context = rw_browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(script=INIT_SCRIPT)  # as `replaywright run` does: see preload
    page = context.new_page()
    yield page
    context.close()


def fallback_fixtures() -> ModuleType:
    """`page` (and `rw_browser`) when pytest-playwright is not installed: a sync page on the
    system Chromium. Registered as a plugin of its own so it never shadows pytest-playwright's."""
    holder = ModuleType("replaywright_pytest_page")
    vars(holder).update(rw_browser=pytest.fixture(_rw_browser, scope="session", name="rw_browser"),
                        page=pytest.fixture(_rw_page, name="page"))
    return holder
