"""The notebook's kernel in the runner's own process: each run starts clean, in the notebook's folder; a cell
that never ends is stopped; figures drawn with pyplot are shown as a separate kernel shows them."""

from pathlib import Path

import nbformat
import pytest

from icnreport import runner
from icnreport.kernel import in_process_kernel
from icnreport.period import Period, parse_period
from icnreport.runner import RunError, execute_notebook, run_period

ROOT = Path(__file__).resolve().parents[1]
DEMO_PARAMS = ROOT / "params" / "demo.yaml"
FIXTURES = Path(__file__).parent / "fixtures" / "notebooks"

pytestmark = pytest.mark.slow


def _execute(notebook: str, output: Path, period: str = "2017-06", timeout: float = 60):
    kernel = in_process_kernel()
    with kernel.running(FIXTURES, timeout) as manager:
        return execute_notebook(
            FIXTURES / notebook, output, DEMO_PARAMS, parse_period(period), output.with_suffix(".json"), manager
        )


def test_each_run_starts_with_an_empty_namespace_in_the_notebooks_folder(tmp_path: Path) -> None:
    # The notebook asserts both, then leaves a variable behind; a second run fails if it is still there.
    _execute("state.ipynb", tmp_path / "first.ipynb", "2017-05")
    _execute("state.ipynb", tmp_path / "second.ipynb", "2017-06")
    assert Path.cwd() != FIXTURES, "the runner's own working directory is given back"


def test_execution_counts_start_from_one_each_run(tmp_path: Path) -> None:
    for name in ("first", "second"):
        executed = _execute("state.ipynb", tmp_path / f"{name}.ipynb")
        counts = [cell.execution_count for cell in executed.cells if cell.cell_type == "code"]
        assert counts == [1, 2, 3, 4], name  # the parameters cell, the injected parameters, the two cells


def test_a_cells_last_expression_is_its_result_and_not_kept_between_runs(tmp_path: Path) -> None:
    for period in ("2017-05", "2017-06"):
        executed = _execute("state.ipynb", tmp_path / f"{period}.ipynb", period)
        results = [o for o in executed.cells[-2].outputs if o.output_type == "execute_result"]
        assert [o.data["text/plain"] for o in results] == [f"'period {period}'"]
    # The last cell fails the run if Out or _ hold it (papermill raises on a failing cell).


def test_a_separate_kernel_keeps_no_output_history_either(tmp_path: Path, monkeypatch) -> None:
    # As --isolated: a kernel process started with the runner's arguments (in the notebook's folder, where the
    # runner starts it); the last cell checks Out.
    monkeypatch.chdir(FIXTURES)
    output = tmp_path / "isolated.ipynb"
    executed = execute_notebook(
        FIXTURES / "state.ipynb", output, DEMO_PARAMS, parse_period("2017-06"), output.with_suffix(".json")
    )
    assert [o.output_type for o in executed.cells[-2].outputs] == ["execute_result"]


def test_a_cell_that_never_ends_is_stopped_and_named(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(runner, "CELL_TIMEOUT", 1)
    with pytest.raises(
        RunError,
        match=r"endless.ipynb: cell 3 \('# Runs for 30 seconds unless it is stopped first.'\) "
        r"ran for more than 1 seconds",
    ):
        run_period(DEMO_PARAMS, Period(2017, 6), tmp_path, notebook=FIXTURES / "endless.ipynb")
    assert not list((tmp_path / "demo-borough").glob("2017-06")), "nothing is published"
    # The kernel is still good for the next run.
    _execute("state.ipynb", tmp_path / "after.ipynb")


def test_a_cell_that_finishes_in_time_is_not_stopped_later(tmp_path: Path) -> None:
    import time

    _execute("state.ipynb", tmp_path / "quick.ipynb", timeout=0.5)
    time.sleep(1)  # the cell's timer would have fired by now
    _execute("state.ipynb", tmp_path / "next.ipynb", timeout=0.5)


def test_pyplot_figures_are_shown_as_images(tmp_path: Path) -> None:
    executed = _execute("pyplot.ipynb", tmp_path / "pyplot.ipynb")
    outputs = [output for cell in executed.cells for output in cell.get("outputs", [])]
    assert any("image/png" in output.get("data", {}) for output in outputs)
    nbformat.validate(executed)


def _execute_in_child(output: str) -> None:
    _execute("state.ipynb", Path(output))


def test_a_process_forked_after_a_run_runs_notebooks_of_its_own(tmp_path: Path) -> None:
    # A backfill's workers are forked; the kernel's threads and jupyter_core's event-loop thread are not.
    import multiprocessing

    _execute("state.ipynb", tmp_path / "parent.ipynb")
    child = multiprocessing.get_context("fork").Process(target=_execute_in_child, args=(str(tmp_path / "child.ipynb"),))
    child.start()
    child.join(timeout=60)
    if child.is_alive():
        child.kill()
        child.join()
        pytest.fail("the forked process waited for threads that did not survive the fork")
    assert child.exitcode == 0
    assert (tmp_path / "child.ipynb").is_file()


def test_a_backfill_worker_reads_extracts_and_lists_identifiers_again_only_when_a_file_changes(tmp_path: Path) -> None:
    import os
    import shutil

    from icnreport.params import load_params
    from icnreport.runner import _read

    shutil.copytree(ROOT / "data" / "demo", tmp_path / "data" / "demo")
    params_file = tmp_path / "params" / "demo.yaml"
    params_file.parent.mkdir()
    shutil.copy(DEMO_PARAMS, params_file)
    params = load_params(params_file)
    first = _read(params, keep=True)
    assert _read(params, keep=True) is first, "the same files: read once"
    assert _read(params, keep=True).identifiers is first.identifiers, "and their identifiers listed once"
    changed = params.asc_files()[0]
    os.utime(changed, ns=(changed.stat().st_atime_ns, changed.stat().st_mtime_ns + 1_000_000_000))
    again = _read(params, keep=True)
    assert again is not first, "a file changed: read again"
    assert again.identifiers is not first.identifiers, "and its identifiers listed again"
    assert _read(params, keep=False) is not again, "a single run always reads"


def test_what_a_run_imports_is_frozen_once_per_process(monkeypatch) -> None:
    # A backfill worker calls preload every month; freezing again would keep each month's garbage forever.
    import gc

    from icnreport.runner import preload

    freezes = []
    monkeypatch.setattr(gc, "freeze", lambda: freezes.append(1))
    preload.cache_clear()
    preload()
    preload()
    assert freezes == [1]
