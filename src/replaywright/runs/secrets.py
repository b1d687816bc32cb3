"""Which values of a run are secret, and masking them wherever a run record shows them.

A run record (and every API answer built from one) shows parameters with secrets masked and
never contains a secret value anywhere else either: the step results are scrubbed of every
secret value before they are stored. Secret are:

- parameters the flow marks secret (`secret: true`, read through `is_secret`);
- parameters whose name says so (password, passphrase, secret, token, API key, …);
- environment values the flow's templates use (`{{ env.NAME }}`): they come from the
  machine that runs the flow and are never part of what a run reports.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Mapping
from typing import Any

from replaywright.flow.model import Flow, ParamSpec
from replaywright.flow.template import PLACEHOLDER

MASK = "********"
#: Words of a parameter name (`db_password`, `apiToken`, `SECRET-KEY`) that make it secret.
SECRET_WORDS = frozenset({"password", "passwd", "pass", "pwd", "passphrase", "passcode",
                          "secret", "secrets", "token", "credential", "credentials", "otp",
                          "pin", "cookie"})
#: Two-word names that do (`api_key`, `privateKey`).
SECRET_PAIRS = frozenset({"api key", "private key", "access key", "client secret"})
_WORD = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")
#: Values shorter than this are not scrubbed from free text ("1" would mask every digit).
MIN_SCRUB = 3


def is_secret(name: str, spec: ParamSpec | None = None) -> bool:
    """Is parameter `name` secret? The flow's own flag first, then its name."""
    if spec is not None and getattr(spec, "secret", False):
        return True
    words = [w.lower() for w in _WORD.findall(name)]
    pairs = {f"{a} {b}" for a, b in itertools.pairwise(words)}
    return bool(SECRET_WORDS.intersection(words) or SECRET_PAIRS & pairs)


def env_names(flow: Flow) -> set[str]:
    """Environment variables the flow's templates refer to (`{{ env.NAME }}`)."""
    names: set[str] = set()
    for text in _templates(flow.model_dump(exclude={"path"})):
        for match in PLACEHOLDER.finditer(text):
            head, _, rest = match.group(1).partition(".")
            if head == "env" and rest:
                names.add(rest.split(".")[0])
    return names


def _templates(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from _templates(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _templates(item)


class Secrets:
    """The secret values of one run: masks its parameters and scrubs anything else."""

    def __init__(self, flow: Flow, params: Mapping[str, Any],
                 env: Mapping[str, str] | None = None) -> None:
        self.names = {n for n in params if is_secret(n, flow.params.get(n))}
        values = [str(params[n]) for n in self.names]
        values += [env[n] for n in env_names(flow) if env and env.get(n)]
        # longest first, so a secret that contains another is masked whole
        self.values = sorted({v for v in values if len(v) >= MIN_SCRUB}, key=len, reverse=True)

    def params(self, params: Mapping[str, Any]) -> dict[str, Any]:
        """The parameters as a run record shows them."""
        return {n: MASK if n in self.names else self.scrub(v) for n, v in params.items()}

    def scrub(self, value: Any) -> Any:
        """`value` (text, or JSON-like data) with every secret value replaced by the mask."""
        if isinstance(value, str):
            for secret in self.values:
                value = value.replace(secret, MASK)
            return value
        if isinstance(value, Mapping):
            return {k: self.scrub(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [self.scrub(v) for v in value]
        return value
