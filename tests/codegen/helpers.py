"""Shared bits of the codegen tests: ruff on generated text, fake runs, a test workflow."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from replaywright.engine.results import BlockResult, RunResult, StepResult
from replaywright.flow.model import Flow

# A workflow on the demo shop that uses every block kind the generator writes.
WORKFLOW = """\
name: shop-workflow
url: index.html
params:
  user: alice
  password: correct-horse
  products: Blue Mug, Red Mug
  express: "true"
blocks:
  - label: login
    steps:
      - Type "{{ params.user }}" into the Username field
      - Type "{{ params.password }}" into the Password field
      - Click the Sign in button
  - label: greeting
    extract: the Welcome text
  - label: add_products
    for_each: params.products
    as: product
    blocks:
      - label: add_one
        steps:
          - Type "{{ product }}" into the Search field
          - Press Enter in the Search field
          - Click the first Add to cart button
  - label: to_checkout
    steps:
      - Click the Cart link
      - Click the Checkout button
  - label: shipping
    if: params.express
    then:
      - label: express
        steps:
          - Check the Express shipping radio button
    else:
      - label: standard
        steps:
          - Check the Standard shipping radio button
  - label: settle
    wait: 0.1s
  - label: summary
    code: |
      result = {"greeting": outputs["greeting"], "items": len(params["products"].split(","))}
  - label: place_order
    steps:
      - Type "{{ params.user }} Example" into the Full name field
      - Type "1 Main Street" into the Address field
      - Type "Toronto" into the City field
      - Select "Canada" from the Country dropdown
      - Check the I agree to the terms checkbox
      - Click the Place order button
      - The Order confirmed heading is visible
"""


def ruff(path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "ruff", *args, "--isolated", str(path)],
                          capture_output=True, text=True, check=False)


def assert_ruff_clean(path: Path) -> None:
    """Formatted as `ruff format` would, and clean under a broad rule set."""
    formatted = ruff(path, "format", "--diff")
    assert formatted.returncode == 0, formatted.stdout + formatted.stderr
    checked = ruff(path, "check", "--select", "E,F,W,I,B,UP,SIM,RUF", "--ignore", "E501")
    assert checked.returncode == 0, checked.stdout + checked.stderr


def _specs(blocks, label=None):
    for block in blocks:
        for spec in block.steps:
            yield block.label, spec
        yield from _specs(block.blocks)
        yield from _specs(block.then)
        yield from _specs(block.otherwise)


def fake_run(flow: Flow, statuses: dict[str, str] | None = None, default: str = "cached",
             selector: str = "page.get_by_role('button', name='Go', exact=True)",
             selectors: dict[str, str] | None = None) -> RunResult:
    """A passing run of every step of `flow`: status per block label (else `default`)."""
    statuses, selectors = statuses or {}, selectors or {}
    steps = []
    for label, spec in _specs(flow.blocks):
        steps.append(StepResult(index=len(steps) + 1, text=spec.text, block=label,
                                status=statuses.get(label, default),
                                selector=selectors.get(label, selector)))
    blocks = [BlockResult(label=b.label, kind=b.kind, status="cached") for b in flow.blocks]
    return RunResult(flow=flow.name, passed=True, steps=steps, blocks=blocks)
