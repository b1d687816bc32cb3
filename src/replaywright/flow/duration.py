"""Parsing durations written by people: 10, 10s, 500ms, 2m, 1.5 seconds."""

from __future__ import annotations

import re

_UNITS = {"ms": 0.001, "millisecond": 0.001, "milliseconds": 0.001, "s": 1.0, "sec": 1.0,
          "secs": 1.0, "second": 1.0, "seconds": 1.0, "m": 60.0, "min": 60.0, "mins": 60.0,
          "minute": 60.0, "minutes": 60.0}
_PATTERN = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$", re.IGNORECASE)


def parse_duration(value: str | float | int) -> float:
    """Seconds in `value`; raises ValueError with the accepted forms."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    match = _PATTERN.match(str(value))
    unit = match.group(2).lower() if match else ""
    if not match or (unit and unit not in _UNITS):
        raise ValueError(f"not a duration: {value!r} (use e.g. 10, 10s, 500ms, 2m)")
    return float(match.group(1)) * _UNITS.get(unit, 1.0)
