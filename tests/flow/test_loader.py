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
