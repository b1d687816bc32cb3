"""The relocation benchmark on a couple of real dataset files."""

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from replaywright.bench import relocate
from replaywright.bench.cli import app

REPO = Path(__file__).resolve().parents[2]
DATA = (REPO / ".." / "shared" / "datasets" / "element-relocation").resolve()
FILES = ("google.json", "cnn.json")
KEYS = {"total", "correct", "wrong", "abstained", "top1", "ms_median", "ms_p95"}

pytestmark = pytest.mark.skipif(
    not all((DATA / f).is_file() for f in FILES),
    reason=f"element-relocation dataset not found at {DATA}",
)


@pytest.fixture(scope="module")
def subset(tmp_path_factory):
    # a temporary folder of links to two files; nothing is copied into the repository
    d = tmp_path_factory.mktemp("reloc")
    for f in FILES:
        try:
            (d / f).symlink_to(DATA / f)
        except OSError:
            shutil.copy(DATA / f, d / f)
    return d


def test_json_report_shape_and_matcher_beats_similo(subset):
    res = CliRunner().invoke(app, ["relocate", str(subset), "--json"])
    assert res.exit_code == 0, res.output
    report = json.loads(res.output)
    assert set(report) == {"matcher", "similo", "sites"}
    for method in ("matcher", "similo"):
        assert set(report[method]) == KEYS
        m = report[method]
        assert m["correct"] + m["wrong"] + m["abstained"] == m["total"]
    total = sum(len(json.loads((DATA / f).read_text())["targets"]) for f in FILES)
    assert report["matcher"]["total"] == total
    assert report["similo"]["abstained"] == 0
    assert len(report["sites"]) == len(FILES)
    assert report["matcher"]["top1"] >= report["similo"]["top1"]


def test_table_output(subset):
    text = relocate.format_table(relocate.run(subset))
    assert "TOTAL" in text and "Google" in text


def test_missing_folder_is_an_error(tmp_path):
    res = CliRunner().invoke(app, ["relocate", str(tmp_path / "nope")])
    assert res.exit_code != 0


def test_loso_report(subset):
    rep = relocate.loso(subset)
    m = rep["matcher"]
    assert m["correct"] + m["wrong"] + m["abstained"] == m["total"]
    assert {s["site"] for s in rep["sites"]} == {"Google", "Cnn"}
    assert "LOSO" in relocate.format_loso(rep)
