"""The Python client of a team server's runs API: `from replaywright.client import Client`.

It lives in `replaywright.runs.client`, beside the run records it reads and the run stores
it stands in for; this module keeps the public import path.
"""

from replaywright.runs.client import Client
from replaywright.runs.records import Outcome, RunRecord, RunRequest

__all__ = ["Client", "Outcome", "RunRecord", "RunRequest"]
