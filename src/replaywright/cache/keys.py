"""Cache keys: what a step's entry is addressed by.

A key changes when the step's description, its kind, or the value of a variable it uses
changes; an unrelated variable, a sibling step or a cosmetic edit of the file does not.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping


def step_key(flow: str, description: str, kind: str, values: Mapping[str, str],
             occurrence: int = 0, context: str = "") -> str:
    """Key of one step. `occurrence` tells apart identical steps of the same flow;
    `context` (a workflow's chain of block digests) re-keys a step when a block before it,
    or its own block, is edited."""
    material = {
        "flow": flow,
        "step": " ".join(description.split()),
        "kind": kind,
        "values": dict(sorted(values.items())),
        "n": occurrence,
    }
    if context:
        material["context"] = context
    digest = hashlib.sha256(json.dumps(material, sort_keys=True).encode()).hexdigest()
    return digest[:32]
