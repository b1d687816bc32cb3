"""Loading flow files: good files load; bad ones fail with file, line and step named."""

from __future__ import annotations

from pathlib import Path

import pytest

from replaywright.errors import FlowError
from replaywright.flow.loader import load_flow, parse_flow
from replaywright.flow.template import Context, render


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "flow.yaml"
    path.write_text(text)
    return path


def test_loads_steps_params_and_options(tmp_path: Path) -> None:
    flow = load_flow(write(tmp_path, """
name: login
url: https://example.test/login
params:
  user: alice
  password: {required: true}
steps:
  - Type "{{ params.user }}" into the Username field
  - step: Click the Sign in button
    cache: false
    timeout: 30s
"""))
    assert flow.name == "login"
    assert flow.params["user"].default == "alice"
    assert flow.params["password"].required
    assert [s.line for s in flow.steps] == [8, 9]
    assert flow.steps[1].cache is False and flow.steps[1].timeout == 30.0


def test_invalid_yaml_names_file_and_line(tmp_path: Path) -> None:
    path = write(tmp_path, "name: x\nsteps:\n  - Click the A button\n  - [unclosed\n")
    with pytest.raises(FlowError) as err:
        load_flow(path)
    assert str(path) in str(err.value) and err.value.line in (4, 5)
    assert "invalid YAML" in str(err.value)


def test_unknown_phrasing_names_step_line_and_shows_phrasings(tmp_path: Path) -> None:
    path = write(tmp_path, "steps:\n  - Click the A button\n  - Frobnicate the widget\n")
    with pytest.raises(FlowError) as err:
        load_flow(path)
    message = str(err.value)
    assert f"{path}:3: step 2 \"Frobnicate the widget\"" in message
    assert "could not understand" in message
    assert 'Type "alice" into the Username field' in message  # accepted phrasings shown


@pytest.mark.parametrize(("text", "problem", "line"), [
    ("name: x\n", "needs either 'steps' or 'blocks'", 1),
    ("steps: []\n", "non-empty list", 1),
    ("stepz:\n  - Click A\nsteps:\n  - Click A\n", "unknown key 'stepz'", 1),
    ("steps:\n  - step: Click A\n    retries: 3\n", "unknown step option 'retries'", 2),
    ("steps:\n  - step: Click A\n    timeout: soon\n", "not a duration", 2),
    ("steps:\n  - step: Click A\n    cache: maybe\n", "'cache' must be true or false", 2),
    ("- just a list\n", "must be a mapping", 1),
])
def test_structural_errors(text: str, problem: str, line: int) -> None:
    with pytest.raises(FlowError) as err:
        parse_flow(text, path=Path("f.yaml"))
    assert problem in str(err.value)
    assert err.value.line == line


def test_missing_and_unknown_parameters_are_named() -> None:
    flow = parse_flow("params:\n  user: {required: true}\nsteps:\n  - Click A\n")
    with pytest.raises(FlowError, match=r"(?s)missing parameter 'user'.*--param user=VALUE"):
        flow.bind({})
    with pytest.raises(FlowError, match="unknown parameter 'usr'"):
        flow.bind({"user": "a", "usr": "b"})
    assert flow.bind({"user": "bob"}) == {"user": "bob"}


def test_template_renders_and_reports_used_variables() -> None:
    ctx = Context(params={"user": "alice", "other": "x"}, env={"HOST": "h"})
    rendered = render("{{ params.user }}@{{ env.HOST }}", ctx)
    assert rendered.text == "alice@h"
    assert rendered.used == {"params.user": "alice", "env.HOST": "h"}
    assert not rendered.volatile
    assert render("order {{ now }}", ctx).volatile


def test_template_undefined_variable_is_an_error() -> None:
    with pytest.raises(FlowError, match=r"parameter .params\.nope. is not defined"):
        render("{{ params.nope }}", Context())
    with pytest.raises(FlowError, match=r"environment variable .env\.MISSING."):
        render("{{ env.MISSING }}", Context())


# -- issue 14, item 10: mistakes that used to pass the loader --------------------------------

def test_binary_file_is_a_flow_error_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "flow.yaml"
    path.write_bytes(b"name: x\nsteps:\n  - Click \xff\xfe\n")
    with pytest.raises(FlowError, match=r"flow.yaml:3: not a text file: byte 25 is not UTF-8"):
        load_flow(path)


@pytest.mark.parametrize(("text", "message", "line"), [
    ("name: a\nsteps:\n  - Click A\nname: b\n", "duplicate key 'name' (first at line 1)", 4),
    ("steps:\n  - step: Click A\n    cache: false\n    cache: true\n",
     "duplicate key 'cache' (first at line 3)", 4),
    ("steps:\n  - Click A\n  - Type \"{{ params.nope }}\" into B\n",
     "parameter 'nope' is not defined", 3),
    ("url: '{{ params.site }}/x'\nsteps:\n  - Click A\n", "parameter 'site' is not defined", 1),
    ("params:\n  q: x\nsteps:\n  - Type \"{{ params.q | upper }}\" into B\n",
     "unknown filter 'upper' in '{{ params.q | upper }}': templates take no filters", 4),
    ("steps:\n  - Type \"{{ 1 + 2 }}\" into B\n", "'{{ 1 + 2 }}' is not a template variable", 2),
    ("blocks:\n  - label: t\n    task: buy\n    max_steps: lots\n",
     "block 't': max_steps must be a whole number of actions (1 or more), not 'lots'", 4),
    ("blocks:\n  - label: t\n    task: buy\n    max_steps: 0\n", "not 0", 4),
    ("blocks:\n  - label: c\n    code: pass\n    timeout: soon\n", "block 'c':", 4),
    ("blocks:\n  - label: s\n    steps: [Click A]\n    timeout: 2s\n",
     "'timeout' is an option of code blocks", 4),
    ("params:\n  pw: {default: x, secret: maybe}\nsteps:\n  - Click A\n",
     "parameter 'pw': 'secret' must be true or false", 2),
])
def test_flow_mistakes_are_load_errors(text: str, message: str, line: int) -> None:
    with pytest.raises(FlowError) as error:
        parse_flow(text, path=Path("f.yaml"))
    assert message in str(error.value) and error.value.line == line, str(error.value)


def test_secret_parameters_and_code_block_timeouts_load() -> None:
    flow = parse_flow("params:\n  pw: {default: x, secret: true}\n  user: a\nblocks:\n"
                      "  - label: c\n    code: pass\n    timeout: 30s\n")
    assert flow.secret_params == {"pw"} and flow.blocks[0].timeout == 30


def test_rendering_a_filter_is_an_error_not_literal_text() -> None:
    with pytest.raises(FlowError, match="unknown filter 'nosuchfilter'"):
        render("{{ x | nosuchfilter }}", Context())
