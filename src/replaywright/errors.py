"""Errors a user sees. Each names where the problem is: file, line, step."""

from __future__ import annotations

from pathlib import Path


class ReplaywrightError(Exception):
    """Base class of every error replaywright raises on purpose.

    `exit_code` is what the command line exits with when this error ends a command: 1 for a
    failure of the run itself, 2 for bad input or configuration (see README, "When things
    go wrong")."""

    exit_code: int = 1


class ConfigError(ReplaywrightError):
    """Bad configuration (a cache URL, a token, a database that is not there): exit code 2.
    Raised before anything runs, so nothing is half done."""

    exit_code = 2


class FlowError(ReplaywrightError):
    """Bad input in a flow: the CLI exits with code 2.

    The message reads `file:line: step N "text": problem`, with each part present when known.
    """

    exit_code = 2

    def __init__(self, message: str, *, path: Path | str | None = None, line: int | None = None,
                 step: int | None = None, text: str | None = None, hint: str = "") -> None:
        self.problem, self.path, self.line, self.step, self.text, self.hint = (
            message, path, line, step, text, hint)
        super().__init__(self._render())

    def _render(self) -> str:
        where = ""
        if self.path is not None:
            where = str(self.path) + (f":{self.line}" if self.line else "") + ": "
        elif self.line:
            where = f"line {self.line}: "
        if self.step is not None:
            where += f"step {self.step}" + (f' "{self.text}"' if self.text else "") + ": "
        return where + self.problem + (f"\n{self.hint}" if self.hint else "")

    def located(self, *, path: Path | str | None = None, line: int | None = None,
                step: int | None = None, text: str | None = None) -> FlowError:
        """The same error with location details filled in where they were missing."""
        return FlowError(self.problem, path=self.path or path, line=self.line or line,
                         step=self.step if self.step is not None else step,
                         text=self.text or text, hint=self.hint)


class StepFailed(ReplaywrightError):
    """A step could not be carried out on the page (element not found, check failed, ...)."""


class AmbiguousTarget(StepFailed):
    """The resolver found several equally good elements and refuses to guess."""


class WrongElement(StepFailed):
    """The element a step found is not the one its `expect:` locator names; nothing was done."""
