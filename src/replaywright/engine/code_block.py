"""Running a `code:` block so that it cannot take the run down with it, nor run forever.

The block's Python runs in a thread of its own, on an event loop of its own, and sees the
page through a proxy that carries every Playwright call over to the run's loop (where the
page lives). So:

- whatever the block raises — `sys.exit()` (`SystemExit`), `KeyboardInterrupt`, any
  `BaseException` — fails the block with a message, and the run goes on to write its JSON,
  report and JUnit like any failed run;
- the block has a time limit (the step timeout, or `timeout:` on the block). When it passes,
  the block is stopped: an async block is cancelled at its `await`, and a CPU-bound one
  (`while True: pass`) gets an exception raised in its thread at its next bytecode
  (`PyThreadState_SetAsyncExc`). A thread stuck in one blocking C call cannot be reached
  from Python; it is left behind as a daemon thread and the run goes on without it.

Why a thread and not a process: the page. A process would need a browser connection of its
own (CDP, which a `--ws-endpoint` browser does not offer), would pay a Playwright start per
block and could only hand back JSON; a thread shares the run's page through the proxy for
free. What a thread cannot contain — `os._exit()`, a crash of the interpreter — is out of
reach of any in-process scheme; the README says so.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import inspect
import threading
from collections.abc import Callable, Mapping
from typing import Any

from replaywright.errors import StepFailed

#: How long a stopped block gets to wind down before it is left behind.
STOP_GRACE = 2.0


class BlockStopped(BaseException):
    """Raised inside a code block's thread when its time is up (a BaseException, so a
    block's `except Exception` does not swallow it)."""


class Remote:
    """A Playwright object seen from a code block's thread: every attribute read and call
    runs on the run's event loop; what comes back is wrapped again."""

    __slots__ = ("_loop", "_target")

    def __init__(self, target: Any, loop: asyncio.AbstractEventLoop) -> None:
        object.__setattr__(self, "_target", target)
        object.__setattr__(self, "_loop", loop)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):  # protocols probed by copy, pickle, pydantic: not the page's
            raise AttributeError(name)
        return _wrap(_on_loop(self._loop, lambda: getattr(self._target, name)), self._loop)

    def __repr__(self) -> str:
        return f"<{type(self._target).__name__} (from a code block)>"

    async def __aenter__(self) -> Any:  # `async with page.expect_navigation():`
        return _wrap(await _await_on(self._loop, self._target.__aenter__), self._loop)

    async def __aexit__(self, *exc: Any) -> Any:
        return await _await_on(self._loop, self._target.__aexit__, *exc)


def _playwright(value: Any) -> bool:
    return type(value).__module__.startswith("playwright.")


def _wrap(value: Any, loop: asyncio.AbstractEventLoop) -> Any:
    if isinstance(value, list):
        return [_wrap(v, loop) for v in value]
    if inspect.iscoroutinefunction(value):
        async def call_async(*args: Any, **kwargs: Any) -> Any:
            return _wrap(await _await_on(loop, value, *_unwrap(args), **_unwrap(kwargs)), loop)
        return call_async
    if callable(value) and not isinstance(value, type) and _playwright(
            getattr(value, "__self__", None)):
        def call(*args: Any, **kwargs: Any) -> Any:
            return _wrap(_on_loop(loop, lambda: value(*_unwrap(args), **_unwrap(kwargs))), loop)
        return call
    return Remote(value, loop) if _playwright(value) else value


def _unwrap(value: Any) -> Any:
    if isinstance(value, Remote):
        return value._target
    if isinstance(value, tuple | list):
        return type(value)(_unwrap(v) for v in value)
    if isinstance(value, dict):
        return {k: _unwrap(v) for k, v in value.items()}
    return value


def _on_loop(loop: asyncio.AbstractEventLoop, read: Callable[[], Any]) -> Any:
    """`read()` run on the run's loop (the thread Playwright's objects belong to)."""
    with contextlib.suppress(RuntimeError):
        if asyncio.get_running_loop() is loop:  # already there
            return read()

    async def run() -> Any:
        return read()
    return asyncio.run_coroutine_threadsafe(run(), loop).result()


async def _await_on(loop: asyncio.AbstractEventLoop, fn: Callable[..., Any], *args: Any,
                    **kwargs: Any) -> Any:
    """Await `fn(*args, **kwargs)` on the run's loop, from the block's loop."""
    async def run() -> Any:
        return await fn(*args, **kwargs)
    return await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(run(), loop))


class _Worker:
    """One code block in its thread."""

    def __init__(self, fn: Callable[..., Any], args: Mapping[str, Any], label: str) -> None:
        self.fn, self.args = fn, args
        self.loop: asyncio.AbstractEventLoop | None = None
        self.task: asyncio.Task[Any] | None = None
        self.thread = threading.Thread(target=self._main, daemon=True,
                                       name=f"code block {label}")
        self.outcome: tuple[bool, Any] | None = None
        self.finished = threading.Event()

    async def _contained(self) -> tuple[bool, Any]:
        """The block, with whatever it raises (SystemExit and KeyboardInterrupt included)
        turned into its outcome: nothing it does escapes into the loop."""
        try:
            return True, await self.fn(**self.args)
        except BaseException as exc:  # everything a block raises is its failure
            return False, exc

    def _main(self) -> None:
        loop = self.loop = asyncio.new_event_loop()
        try:
            self.task = loop.create_task(self._contained())
            self.outcome = loop.run_until_complete(self.task)
        except BaseException as exc:  # BlockStopped landing outside the block's own frames
            self.outcome = (False, exc)
            if self.task is not None:
                # abandoned on purpose: no "Task was destroyed but it is pending" warning
                self.task._log_destroy_pending = False  # type: ignore[attr-defined]  # private
        finally:
            with contextlib.suppress(BaseException):
                loop.close()
            self.finished.set()

    def stop(self) -> None:
        """Cancel the block at its await, and raise BlockStopped in its thread."""
        if self.loop is not None and self.task is not None:
            with contextlib.suppress(RuntimeError):  # its loop has closed meanwhile
                self.loop.call_soon_threadsafe(self.task.cancel)
        if self.thread.ident is not None and self.thread.is_alive():
            ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(self.thread.ident),
                                                       ctypes.py_object(BlockStopped))


async def run_in_thread(fn: Callable[..., Any], args: Mapping[str, Any], *, label: str,
                        timeout: float) -> Any:
    """Run the async function `fn(**args)` of a code block in its own thread; its result,
    or StepFailed saying what it raised or that it ran out of time."""
    worker = _Worker(fn, args, label)
    worker.thread.start()
    deadline = asyncio.get_running_loop().time() + timeout
    while not worker.finished.is_set():
        if asyncio.get_running_loop().time() >= deadline:
            await _stop(worker)
            raise StepFailed(f"code did not finish within {timeout:g}s and was stopped "
                             "(raise `timeout:` on the block)")
        await asyncio.sleep(0.01)
    assert worker.outcome is not None
    ok, value = worker.outcome
    if ok:
        return value
    detail = f": {value}" if str(value) else ""
    if isinstance(value, SystemExit):
        code = "" if value.code is None else repr(value.code)
        raise StepFailed(f"code called sys.exit({code}); a code block cannot end the run"
                         ) from None
    raise StepFailed(f"code raised {type(value).__name__}{detail}") from None


async def _stop(worker: _Worker) -> None:
    """Stop a block that ran out of time; a block that resists (catches BlockStopped, or
    sits in a blocking C call) is asked again, then left behind."""
    loop = asyncio.get_running_loop()
    give_up = loop.time() + STOP_GRACE
    while not worker.finished.is_set() and loop.time() < give_up:
        worker.stop()
        await asyncio.sleep(0.05)
