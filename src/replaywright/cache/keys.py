"""Cache keys: what a step's entry is addressed by.

A key changes when the step's description, its kind, or the value of a variable it uses
changes; an unrelated variable, a sibling step or a cosmetic edit of the file does not.

Keys are seen by whoever reads a cache listing, a `--json` result, a JUnit file or the team
server, so they must not give away the values they cover:

- a secret (an environment variable, a parameter marked `secret: true`, a value typed into
  a password field) enters the key by its *name* only — a new password does not re-key;
- the whole key is an HMAC-SHA-256 under the store's own secret (`Store.key_secret`), kept
  where readers of the entries do not see it, so even an ordinary value (a user name)
  cannot be tested offline against a guess list.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Collection, Mapping

#: What a secret variable's value enters the key as: its name alone.
BY_NAME = "<secret: keyed by name>"


def step_key(flow: str, description: str, kind: str, values: Mapping[str, str],
             occurrence: int = 0, context: str = "", *, secret: bytes,
             hidden: Collection[str] = ()) -> str:
    """Key of one step. `occurrence` tells apart identical steps of the same flow;
    `context` (a workflow's chain of block digests) re-keys a step when a block before it,
    or its own block, is edited. `hidden` names the variables of `values` that are secret;
    `secret` is the store's key secret."""
    if len(secret) < 16:
        raise ValueError("a key secret has at least 16 bytes")
    material = {
        "flow": flow,
        "step": " ".join(description.split()),
        "kind": kind,
        "values": {name: BY_NAME if name in hidden else value
                   for name, value in sorted(values.items())},
        "n": occurrence,
    }
    if context:
        material["context"] = context
    text = json.dumps(material, sort_keys=True).encode()
    return hmac.new(secret, text, hashlib.sha256).hexdigest()[:32]
