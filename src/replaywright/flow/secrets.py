"""Which values are secret, and keeping them out of cache keys and out of everything a run
prints or writes.

Secret are: every environment variable (`{{ env.X }}`: environments hold credentials),
every parameter marked `secret: true`, and any value typed into a password field. A secret
enters a cache key by its name only (`cache.keys`), and wherever a run echoes a value —
console, `--json`, JUnit, the HTML report, the messages of failed checks — a secret value
reads `***`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

MASK = "***"
#: Shorter secret values are keyed by name but not masked in free text: masking every "1"
#: or "ab" would garble every message while hiding nothing worth hiding.
MIN_MASKED = 3
#: Words that make a typed-into field a password field, before the element is even found.
PASSWORD_FIELD = re.compile(r"\b(pass ?words?|passphrase|passcode|passwd|pwd|pin|secret)\b",
                            re.IGNORECASE)


def is_secret(name: str, secret_params: Iterable[str]) -> bool:
    """Whether the template variable `name` (`env.X`, `params.x`, ...) holds a secret."""
    head, _, rest = name.partition(".")
    return head == "env" or (head == "params" and rest.split(".")[0] in set(secret_params))


def password_field(target: str) -> bool:
    """Whether a step's target names a password field ("the Password field", "PIN")."""
    return bool(PASSWORD_FIELD.search(target))


def mask(text: str, secrets: Iterable[str]) -> str:
    """`text` with every secret value in it replaced by `***` (longest first)."""
    for value in sorted({s for s in secrets if len(s) >= MIN_MASKED}, key=len, reverse=True):
        text = text.replace(value, MASK)
    return text


def scrub(value: Any, secrets: Iterable[str]) -> Any:
    """`mask` applied to every string inside a JSON-like value (outputs, notes)."""
    secrets = list(secrets)
    if not secrets:
        return value
    if isinstance(value, str):
        return mask(value, secrets)
    if isinstance(value, Mapping):
        return {k: scrub(v, secrets) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(scrub(v, secrets) for v in value)
    return value


def templatise(text: str, revealed: Mapping[str, str | None]) -> str:
    """Secret values in `text` (an agent's recorded step) written back as the templates they
    came from, so the cache keeps `{{ env.PASSWORD }}`, never the password."""
    for value, name in sorted(revealed.items(), key=lambda kv: len(kv[0]), reverse=True):
        if name and len(value) >= MIN_MASKED:
            text = text.replace(value, f"{{{{ {name} }}}}")
    return text
