"""The generator: module shape, formatting, and that parameter values are never written in."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from replaywright.browser.code import value_expression
from replaywright.codegen.generate import (
    call,
    generate,
    generate_module,
    python_expression,
    selector_hint,
    string,
    value_arg,
)
from replaywright.demo.server import demo_flow_path
from replaywright.flow.intent import parse_step
from replaywright.flow.loader import load_flow
from replaywright.flow.phrasing import compose
from tests.codegen.helpers import WORKFLOW, assert_ruff_clean, fake_run


@pytest.fixture
def workflow(tmp_path: Path):
    path = tmp_path / "flows" / "shop.yaml"
    path.parent.mkdir()
    path.write_text(WORKFLOW)
    return load_flow(path)


def _write(tmp_path: Path, text: str, name: str = "script.py") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_checkout_module_compiles_and_is_ruff_clean(tmp_path: Path) -> None:
    flow = load_flow(demo_flow_path())
    run = fake_run(flow, default="resolved",
                   selector="page.get_by_role('textbox', name='Username', exact=True)")
    text = generate(flow, run, script_path=tmp_path / "checkout.py")
    compile(text, "checkout.py", "exec")
    assert_ruff_clean(_write(tmp_path, text, "checkout.py"))
    assert '@script.block("steps")\nasync def steps(rw: Script, params: Params) -> None:' in text
    assert ('await rw.fill(\n        "the Username field",\n        params.user,\n'
            "        selector=\"get_by_role('textbox', name='Username', exact=True)\",\n    )"
            in text)
    assert "await rw.press(" in text and 'on="the Search field"' in text
    assert 'await rw.select(\n        "the Country dropdown",\n        "Canada",' in text
    assert 'await rw.expect_visible(\n        "The Order confirmed heading"' in text
    assert "parser.add_argument(\n        \"--full-name\", dest=\"full_name\"" in text or \
        "parser.add_argument(\"--full-name\", dest=\"full_name\"" in text


def test_workflow_module_has_one_function_per_block(tmp_path: Path, workflow) -> None:
    text = generate(workflow, fake_run(workflow), script_path=tmp_path / "shop.py")
    compile(text, "shop.py", "exec")
    assert_ruff_clean(_write(tmp_path, text))
    tree = ast.parse(text)
    names = [n.name for n in tree.body if isinstance(n, ast.AsyncFunctionDef)]
    assert names == ["login", "greeting", "add_products", "add_one", "to_checkout", "shipping",
                     "express", "standard", "settle", "summary", "place_order", "run"]
    # loops become for loops over the parameter; the body gets the loop variable
    assert 'for product in rw.loop("product", params.products):' in text
    assert "await add_one(rw, params, product)" in text
    assert "async def add_one(rw: Script, params: Params, product: Any) -> None:" in text
    assert 'await rw.fill(\n        "the Search field",\n        product,\n' in text
    # branches become ifs evaluated live
    assert "if script.truthy(params.express):" in text
    assert "    else:\n        await standard(rw, params)" in text
    assert 'rw.outputs["greeting"] = await rw.extract("the Welcome text")' in text
    assert "await rw.wait(0.1)" in text
    assert 'rw.outputs["summary"] = await rw.run_code(' in text
    # a mixed template stays a template for the engine to render
    assert '"{{ params.user }} Example"' in text
    assert 'FLOW_FILE = "flows/shop.yaml"' in text


def test_parameter_values_never_appear_in_the_code(tmp_path: Path, workflow) -> None:
    values = {"user": "zoe-4417", "password": "s3cret-pass", "products": "Green Mug, Tea Pot",
              "express": "true"}
    # selectors recorded on the page can show a value; they must not leak into the script
    run = fake_run(workflow, selectors={
        "login": "page.get_by_role('textbox', name='Username', exact=True)",
        "add_one": "page.get_by_role('button', name='Add Green Mug to cart', exact=True)",
        "place_order": "page.get_by_text('Signed in as zoe-4417', exact=True)"})
    text = generate(workflow, run, script_path=tmp_path / "shop.py", params=values)
    literals = {node.value for node in ast.walk(ast.parse(text))
                if isinstance(node, ast.Constant) and isinstance(node.value, str)}
    defaults = [str(spec.default) for spec in workflow.params.values()]
    for value in [*values.values(), "Green Mug", "Tea Pot", *defaults, "Blue Mug"]:
        if value == "true":
            continue
        assert value not in text, value
        assert not any(value in literal for literal in literals), value
    assert "get_by_role('textbox', name='Username', exact=True)" in text


def test_demo_flow_defaults_are_not_written_in(tmp_path: Path) -> None:
    flow = load_flow(demo_flow_path())
    text = generate(flow, fake_run(flow), script_path=tmp_path / "checkout.py")
    for spec in flow.params.values():
        assert str(spec.default) not in text
    assert "params.user" in text and "params.full_name" in text


@pytest.mark.parametrize("step", [
    'Type "{{ params.user }}" into the Username field', "Click the Sign in button",
    "Double-click Row 1", "Right-click Item A", "Hover over the Help icon",
    "Scroll to the Footer note", "Clear the Notes field", "Press Enter in the Search field",
    'Select "Canada" from the Country dropdown', "Check the I agree checkbox",
    "Uncheck the Subscribe checkbox", 'Upload "notes.txt" to the Attachment field',
    "The Welcome banner is visible", "The error message is not visible",
    'The cart contains "Blue Mug"', 'Type \'say "hi"\' into the Notes field'])
def test_composed_steps_read_back_as_the_flow_wrote_them(step: str) -> None:
    intent = parse_step(step)
    assert compose(intent) == step


def test_other_phrasings_keep_their_text(tmp_path: Path) -> None:
    from tests.engine.helpers import flow_from

    flow = flow_from("name: f\nsteps:\n  - Fill the Email field with \"{{ params.email }}\"\n"
                     "  - Press Enter\n  - Wait 500ms\n  - Go to /cart.html\n"
                     "params: {email: a@b.c}\n")
    text = generate(flow)
    assert "await rw.step('Fill the Email field with \"{{ params.email }}\"')" in text
    assert 'await rw.press("Enter")' in text and "await rw.wait(0.5)" in text
    assert 'await rw.goto("/cart.html")' in text
    assert "a@b.c" not in text
    compile(text, "f.py", "exec")


def test_checks_with_no_script_verb_keep_their_text() -> None:
    from tests.engine.helpers import flow_from

    flow = flow_from("name: f\nsteps:\n  - The Save button is enabled\n"
                     "  - There are 3 Delete buttons\n  - The Terms box is not checked\n")
    text = generate(flow)
    assert 'await rw.step("The Save button is enabled")' in text
    assert 'await rw.step("There are 3 Delete buttons")' in text
    assert 'await rw.step("The Terms box is not checked")' in text


def test_layout_helpers() -> None:
    assert string("plain") == '"plain"'
    assert string('with "quotes"') == "'with \"quotes\"'"
    assert string("it's") == '"it\'s"'
    assert call("    ", "await rw.click", ['"x"']) == ['    await rw.click("x")']
    long = ['"' + "a" * 50 + '"', '"' + "b" * 50 + '"']
    assert call("    ", "await rw.fill", long)[-1] == "    )"
    assert value_arg("{{ params.user }}", []) == "params.user"
    assert value_arg("{{ item.name }}", ["item"]) == 'item["name"]'
    assert value_arg("{{ env.SHOP_PASSWORD }}", []) == '"{{ env.SHOP_PASSWORD }}"'
    assert python_expression("params.express", []) == "params.express"
    assert python_expression("outputs.greeting.name == 'x'", []) == \
        'rw.outputs["greeting"]["name"] == "x"'
    assert python_expression("params.n > 2 and true", []) == "params.n > 2 and True"
    assert python_expression("{{ params.n }} > 2", []) is None  # not an expression the engine takes
    assert python_expression("import os", []) is None
    assert selector_hint("page.get_by_label('Email', exact=True)", []) == \
        "get_by_label('Email', exact=True)"
    assert selector_hint("page.get_by_text('Hi alice')", ["alice"]) is None
    assert selector_hint("page.frame(url='http://127.0.0.1:5/v1/gift.html').get_by_role('x')",
                         []) == "frame(url='**/gift.html').get_by_role('x')"
    assert value_expression("{{ params.user }}") == "str(params.user)"


def test_module_records_shapes_and_scaffold(workflow) -> None:
    module = generate_module(workflow, fake_run(workflow))
    labels = [fn.label for fn in module.functions]
    assert labels[:3] == ["login", "greeting", "add_products"]
    login = module.functions[0]
    assert "selector=" in "\n".join(login.lines) and "selector=" not in login.shape
    assert "async def run(" in module.scaffold and "async def login(" not in module.scaffold
