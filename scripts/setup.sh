#!/usr/bin/env bash
# Idempotent set-up for a fresh machine: Debian's Chromium if missing, a virtualenv with
# replaywright and its dev tools. Safe to run again; fast when everything is there.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v chromium >/dev/null 2>&1 && [ ! -x /usr/bin/chromium ] && [ -z "${REPLAYWRIGHT_CHROMIUM:-}" ]; then
  echo "setup: installing Debian's Chromium" >&2
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi

PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv" >&2
  "$PYTHON" -m venv .venv
fi
stamp=.venv/.replaywright-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  echo "setup: installing replaywright and dev dependencies" >&2
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e ".[dev]"
  touch "$stamp"
fi
# Bytecode for the package, as a regular install has: an editable install has none, and
# where PYTHONDONTWRITEBYTECODE is set every command would compile ~130 modules again.
.venv/bin/python -m compileall -q src
