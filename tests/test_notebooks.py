"""Notebooks are stored without outputs: an output can carry patient data, and git keeps it for ever."""

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted([*ROOT.glob("notebooks/**/*.ipynb"), *ROOT.glob("tests/fixtures/**/*.ipynb")])


def test_there_are_notebooks_to_check() -> None:
    assert ROOT / "notebooks" / "appendix.ipynb" in NOTEBOOKS


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT)))
def test_notebook_is_stored_without_outputs(notebook: Path) -> None:
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    stored = [i for i, cell in enumerate(cells, start=1) if cell.get("outputs") or cell.get("execution_count")]
    assert not stored, f"{notebook.name}: cells {stored} carry outputs; strip them (pre-commit runs nbstripout)"


def test_appendix_notebook_declares_the_runners_parameters() -> None:
    cells = json.loads((ROOT / "notebooks" / "appendix.ipynb").read_text(encoding="utf-8"))["cells"]
    parameters = [cell for cell in cells if "parameters" in cell.get("metadata", {}).get("tags", [])]
    assert len(parameters) == 1
    source = "".join(parameters[0]["source"])
    for name in ("params_file", "period", "figures_json", "audiences"):
        assert f"{name} =" in source
