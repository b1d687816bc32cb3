"""Workflow files: block validation names the file, line and label; digests ignore
cosmetic edits."""

from __future__ import annotations

from pathlib import Path

import pytest

from replaywright.errors import FlowError
from replaywright.flow.loader import parse_flow

BASE = """name: wf
params:
  user: alice
blocks:
  - label: login
    steps:
      - Type "{{ params.user }}" into the Username field
  - label: read
    extract: the Welcome text
  - label: loop
    for_each: params.user
    as: item
    blocks:
      - label: inner
        steps:
          - Click the {{ item }} link
  - label: branch
    if: outputs.read == "x"
    then:
      - label: accept
        wait: 1s
    else:
      - label: reject
        code: |
          result = 1
  - label: home
    goto: /index.html
"""


def test_loads_every_block_kind() -> None:
    flow = parse_flow(BASE)
    assert flow.workflow
    assert [b.kind for b in flow.blocks] == ["steps", "extract", "for_each", "if", "goto"]
    assert flow.blocks[2].blocks[0].label == "inner" and flow.blocks[2].item_name == "item"
    assert flow.blocks[3].then[0].seconds == 1.0 and flow.blocks[3].otherwise[0].kind == "code"


@pytest.mark.parametrize(("change", "problem", "line"), [
    (("label: read", "label: login"), "duplicate block label 'login'", 8),
    (("    extract: the Welcome text", "    extract: x\n    retries: 2"),
     "block 'read': unknown key 'retries'", 10),
    (("{{ params.user }}\" into", "{{ params.usr }}\" into"),
     "block 'login': parameter 'usr' is not defined", 7),
    (('if: outputs.read == "x"', 'if: outputs.later == "x"'),
     "output 'later' is not produced by an earlier", 17),
    (("    goto: /index.html", "    goto: /index.html\n    wait: 1s"),
     "block 'home' must have exactly one of", 26),
    (("          result = 1", "          result = = 1"), "Python syntax error", 25),
])
def test_validation_errors_name_line_and_label(change, problem, line) -> None:
    text = BASE.replace(*change)
    with pytest.raises(FlowError) as err:
        parse_flow(text, path=Path("wf.yaml"))
    assert problem in str(err.value)
    assert err.value.line == line
    assert str(err.value).startswith(f"wf.yaml:{line}: ")


def test_yaml_boolean_label_gets_a_quoting_hint() -> None:
    with pytest.raises(FlowError, match=r"label True is not text.*quote it"):
        parse_flow(BASE.replace("label: accept", "label: yes"))


def test_digests_ignore_comments_and_layout_but_not_content() -> None:
    plain = parse_flow(BASE)
    cosmetic = parse_flow(BASE.replace("  - label: read\n", "  # reading\n  - label:   read\n")
                          .replace("    extract: the Welcome text",
                                   "    extract: the Welcome text   # the greeting\n"
                                   "    description: what the page says"))
    edited = parse_flow(BASE.replace("the Welcome text", "the greeting"))
    assert [b.digest for b in plain.blocks] == [b.digest for b in cosmetic.blocks]
    assert plain.blocks[1].digest != edited.blocks[1].digest
    assert plain.blocks[0].digest == edited.blocks[0].digest
