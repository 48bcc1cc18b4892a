"""The period run: figures, then the appendix notebook executed by papermill, rendered to HTML and PDF, into
`<output>/<area>/<YYYY-MM>/`. Only this module knows about the output folder and papermill.

A run builds everything in a hidden folder beside its target and swaps it in only when all of it is made, so
a failed or killed run never leaves a half-written appendix where a good one was."""

import contextlib
import datetime as dt
import functools
import gc
import hashlib
import json
import multiprocessing
import platform
import re
import subprocess
import time
import uuid
import warnings
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

from icnreport.audiences import PUBLIC, RESTRICTED
from icnreport.errors import IcnReportError, ParamsError
from icnreport.params import Params, load_params
from icnreport.period import Period
from icnreport.publish import discard, publish, staging_folder

if TYPE_CHECKING:
    from icnreport.extracts import Extract
    from icnreport.identifiers import Identifiers

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_NOTEBOOK = REPO_ROOT / "notebooks" / "appendix.ipynb"
DEFAULT_OUTPUT = Path("output")
#: A cell that runs longer than this is stopped and the run fails (seconds).
CELL_TIMEOUT = 300
CLASSIFICATION = {
    PUBLIC: "PART ONE - PUBLIC",
    RESTRICTED: "RESTRICTED - NOT FOR PUBLICATION",
}
RECORDED_PACKAGES = ("icnreport", "pandas", "numpy", "pyarrow", "papermill", "nbconvert", "weasyprint", "matplotlib")


class RunError(IcnReportError):
    """The appendix notebook failed: a cell raised, the kernel died, or a cell ran out of time."""


@dataclass
class RunResult:
    """What a period's run made, and how long each phase took (seconds)."""

    folder: Path
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def public_pdf(self) -> Path:
        return self.folder / PUBLIC / "appendix.pdf"


def area_folder(area: str) -> str:
    """The area's folder name: its words in lower case joined by hyphens ("Demo Borough" -> "demo-borough")."""
    return re.sub(r"[^a-z0-9]+", "-", area.lower()).strip("-") or "area"


def run_period(
    params_file: Path,
    period: Period,
    output_root: Path = DEFAULT_OUTPUT,
    *,
    strict: bool = False,
    notebook: Path = DEFAULT_NOTEBOOK,
    isolated: bool = False,
    backfill_worker: bool = False,
) -> RunResult:
    """Run one period end to end and swap its folder into place; raise IcnReportError on any fault.
    The notebook runs in this process unless `isolated`, when it runs in a separate kernel process. A
    `backfill_worker` (one of several processes each running months of a range) keeps that separate kernel
    for all its months, and renders its two appendices in turn: the other cores are running other months."""
    # Absolute paths throughout: the notebook runs with its own folder as the working directory.
    params = load_params(Path(params_file).resolve())
    _require_cover(params)
    target = Path(output_root).resolve() / area_folder(params.area) / period.label
    run_id = f"{dt.datetime.now():%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}"
    staging = staging_folder(target, run_id)
    kernel = _Kernel(isolated=isolated, reuse=backfill_worker)
    try:
        notebook = Path(notebook).resolve()
        result = _build(
            params, period, staging, run_id, strict=strict, notebook=notebook, kernel=kernel, worker=backfill_worker
        )
        publish(staging, target)
    except BaseException:
        discard(staging)
        raise
    result.folder = target
    return result


def _require_cover(params: Params) -> None:
    for key in ("committee", "reference"):
        if not getattr(params.report, key):
            raise ParamsError(f"{params.source}: missing required key 'report.{key}' (the appendix cover needs it)")


def _build(
    params: Params,
    period: Period,
    folder: Path,
    run_id: str,
    *,
    strict: bool,
    notebook: Path,
    kernel: "_Kernel",
    worker: bool,
) -> RunResult:
    from icnreport.extracts import check_strict
    from icnreport.figures import compute_figures
    from icnreport.identifiers import check_public

    timings: dict[str, float] = {}
    started = time.perf_counter()
    clock = _Clock(timings)
    _require_notebook(notebook)
    # Started first, a separate kernel boots on the other core while the extracts are read.
    with kernel.started(notebook.parent) as kernel_manager:
        with clock("read"):
            inputs = _read(params, keep=worker)
        referrals, asc = inputs.referrals, inputs.asc
        with clock("figures"):
            figures = compute_figures(referrals, asc, params, period)
        check_strict(figures.quarantined, strict or params.strict)
        public, restricted = folder / PUBLIC, folder / RESTRICTED
        public.mkdir()
        restricted.mkdir()
        figures_json = restricted / "figures.json"
        figures_json.write_text(figures.to_json(), encoding="utf-8")
        # A separate kernel runs the notebook on the other core while this process gets on with the rest; a
        # kernel in this process runs it first (the rest would only compete with it for the interpreter).
        with ThreadPoolExecutor(max_workers=1) if kernel.isolated else _InTurn() as pool:
            executing = pool.submit(
                clock.timed,
                "execute",
                execute_notebook,
                notebook,
                restricted / "appendix.ipynb",
                params.source,
                period,
                figures_json,
                kernel_manager,
            )
            # The restricted listings, the workbook, the renderers' imports.
            referrals.quarantined.to_csv(restricted / "quarantined_referrals.csv", index=False)
            asc.quarantined.to_csv(restricted / "quarantined_asc.csv", index=False)
            with clock("tables"):
                _write_workbook(params, period, figures, public / "tables.xlsx")
            preload()
            executed = executing.result()
    identifiers = inputs.identifiers
    # The restricted appendix is rendered in a forked process on the other core while this one renders the
    # public appendix and scans it for identifiers; in turn in a backfill's worker (the other cores are running
    # other months) and where processes cannot fork (Windows).
    with _InTurn() if worker else _other_core() as pool:
        restricted_done = pool.submit(_render_appendix, executed, params, period, restricted, RESTRICTED)
        timings.update(_render_appendix(executed, params, period, public, PUBLIC))
        with clock("identifiers"):
            check_public(public, identifiers)
        restricted_done.result()
    timings["total"] = time.perf_counter() - started
    checks = {"identifiers_not_checked": dict(identifiers.unchecked), "note": identifiers.unchecked_note()}
    _write_manifest(folder / "manifest.json", params, period, run_id, timings, checks)
    return RunResult(folder, timings)


@dataclass
class _Inputs:
    """Both extracts, and the identifiers in them that no public file may show (worked out when first asked
    for, then kept with the extracts: the same for every month a backfill's worker runs from them)."""

    referrals: "Extract"
    asc: "Extract"

    @functools.cached_property
    def identifiers(self) -> "Identifiers":
        from icnreport.identifiers import Identifiers

        return Identifiers.from_extracts(self.referrals, self.asc)


_last_read: dict = {}


def _read(params: Params, *, keep: bool) -> _Inputs:
    """Both extracts. A backfill's worker keeps the last ones it read, for its next month: the same params
    and the same files, unchanged (size and modification time), give the same extracts."""
    from icnreport.extracts import read_extracts

    if not keep:
        return _Inputs(*read_extracts(params))
    files = [*params.referral_files(), *params.asc_files()]
    key = (
        params.model_dump_json(),
        str(params.source),
        [(str(f), stat.st_size, stat.st_mtime_ns) for f in files for stat in [f.stat()]],
    )
    if _last_read.get("key") != key:
        _last_read.clear()
        _last_read.update(key=key, inputs=_Inputs(*read_extracts(params)))
    return _last_read["inputs"]


@dataclass
class _Kernel:
    """Where the notebook runs: in this process, or in a separate kernel process (`isolated`), which a
    backfill worker keeps for all its months (`reuse`)."""

    isolated: bool = False
    reuse: bool = False

    @contextlib.contextmanager
    def started(self, folder: Path):
        """The kernel manager to hand papermill, for one run, with `folder` as the working directory."""
        from icnreport.kernel import EarlyKernel, in_process_kernel, shared_kernel

        if not self.isolated:
            with in_process_kernel().running(folder, CELL_TIMEOUT) as manager:
                yield manager
            return
        kernel = shared_kernel(folder) if self.reuse else EarlyKernel(folder)
        try:
            yield kernel.manager
        finally:
            if not self.reuse:
                kernel.shutdown()


class _Clock:
    def __init__(self, timings: dict[str, float]) -> None:
        self.timings = timings

    def timed(self, phase: str, function, *args):
        with self(phase):
            return function(*args)

    @contextlib.contextmanager
    def __call__(self, phase: str):
        started = time.perf_counter()
        yield
        self.timings[phase] = time.perf_counter() - started


def _require_notebook(notebook: Path) -> None:
    if not notebook.is_file():
        raise RunError(f"{notebook}: appendix notebook not found")


@functools.cache
def preload() -> None:
    """Import what a run uses (two seconds or so), so that processes forked afterwards have it all: the
    process rendering the restricted appendix, a backfill's workers. Once a process (and its forks, which
    inherit that it was done): freezing again each month would keep that month's garbage forever."""
    import papermill  # noqa: F401

    import icnreport.appendix
    import icnreport.identifiers
    import icnreport.kernel
    import icnreport.render
    import icnreport.workbook  # noqa: F401

    with contextlib.suppress(ImportError), warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        import weasyprint  # noqa: F401
    # What is loaded now lives as long as the process: out of the collector's way, its full collections (a
    # third of a second in each month of a backfill) skip it, and forked processes share its memory pages.
    gc.freeze()


def execute_notebook(
    notebook: Path, output: Path, params_file: Path, period: Period, figures_json: Path, kernel_manager=None
):
    """Execute the appendix notebook with papermill; a failing cell, a dead kernel or a timeout is a RunError
    naming the cell. Parameters the notebook does not declare are refused, not warned about."""
    import papermill
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    from icnreport.kernel import KERNEL_ARGUMENTS, CellTimeout

    parameters = {
        "params_file": str(Path(params_file).resolve()),
        "period": period.label,
        "figures_json": str(Path(figures_json).resolve()),
        "audiences": "both",
    }
    _require_notebook(notebook)
    declared = papermill.inspect_notebook(str(notebook))
    unknown = sorted(set(parameters) - set(declared))
    if unknown:
        raise RunError(f"{notebook}: the notebook does not declare the parameter {unknown[0]!r}")
    try:
        return papermill.execute_notebook(
            str(notebook),
            str(output),
            parameters=parameters,
            kernel_name="python3",
            progress_bar=False,
            log_output=False,
            # The kernel already runs in the notebook's folder; papermill's cwd would chdir this whole process.
            cwd=None,
            request_save_on_cell_execute=False,  # write the notebook once, at the end
            execution_timeout=CELL_TIMEOUT,
            extra_arguments=KERNEL_ARGUMENTS,
            km=kernel_manager,
        )
    except papermill.PapermillExecutionError as error:
        # papermill counts from 0 and includes the parameters cell it injects after the notebook's own, so its
        # index is the cell's number counting from 1 in the notebook as the analyst sees it.
        first_line = next((line for line in error.source.splitlines() if line.strip()), "").strip()
        cell = f"{notebook.name}: cell {error.cell_index} ({first_line[:60]!r})"
        if error.ename == CellTimeout.__name__:
            raise RunError(f"{cell} ran for more than {CELL_TIMEOUT} seconds") from None
        message = str(error.evalue).splitlines()[0] if error.evalue else ""
        raise RunError(f"{cell} failed: {error.ename}: {message}") from None
    except DeadKernelError:
        raise RunError(f"{notebook.name}: the kernel died while running the notebook") from None
    except CellTimeoutError:
        raise RunError(f"{notebook.name}: a cell ran for more than {CELL_TIMEOUT} seconds") from None


def render_html(executed, params: Params, period: Period, audience: str) -> str:
    """The appendix HTML for one audience."""
    from icnreport.formatting import long_date, period_span
    from icnreport.render import Cover, for_audience, notebook_to_html

    cover = Cover(
        area=params.report.area_name or params.area,
        committee=params.report.committee or "",
        report_reference=params.report.reference or "",
        period_label=period_span(params.programme_start, period.end),
        date_label=long_date(dt.date.today()),
        title=params.report.title,
        classification=CLASSIFICATION[audience],
    )
    return notebook_to_html(for_audience(executed, audience), cover)


def _other_core():
    """Runs a task in a forked process (cheap: the libraries are already imported), or, where processes
    cannot fork (Windows), straight away in this one."""
    if "fork" in multiprocessing.get_all_start_methods():
        return _Forked()
    return _InTurn()


class _Forked(contextlib.AbstractContextManager):
    """Each task in a process of its own, forked, that exits when the task is done: unlike a pool's worker,
    it cannot be left waiting for more work if this process is killed."""

    def __init__(self) -> None:
        self._started: list = []

    def submit(self, function, *args) -> "_ForkedTask":
        receiver, sender = multiprocessing.Pipe(duplex=False)
        process = multiprocessing.get_context("fork").Process(target=_send_result, args=(sender, function, *args))
        process.start()
        sender.close()
        self._started.append(process)
        return _ForkedTask(process, receiver)

    def __exit__(self, *exc_info) -> None:
        for process in self._started:
            if process.is_alive() and exc_info[0] is not None:
                process.terminate()  # this run failed; its other half is not wanted
            process.join()


@dataclass
class _ForkedTask:
    process: multiprocessing.process.BaseProcess
    receiver: "multiprocessing.connection.Connection"

    def result(self):
        """The task's return value, or its exception raised here."""
        try:
            failed, value = self.receiver.recv()
        except EOFError:
            self.process.join()
            raise RunError(
                f"the process rendering the appendix stopped (exit status {self.process.exitcode})"
            ) from None
        finally:
            self.receiver.close()
        self.process.join()
        if failed:
            raise value
        return value


def _send_result(sender, function, *args) -> None:
    try:
        outcome = (False, function(*args))
    except BaseException as error:  # sent back to be raised in the parent
        outcome = (True, error if _picklable(error) else RunError(f"{type(error).__name__}: {error}"))
    sender.send(outcome)
    sender.close()


def _picklable(value) -> bool:
    import pickle

    try:
        pickle.dumps(value)
    except Exception:
        return False
    return True


class _InTurn(contextlib.AbstractContextManager):
    """Runs each submitted task straight away, in this thread, returning a finished future."""

    def submit(self, function, *args) -> Future:
        future: Future = Future()
        try:
            future.set_result(function(*args))
        except BaseException as error:
            future.set_exception(error)
        return future

    def __exit__(self, *exc_info) -> None:
        return None


def _render_appendix(executed, params: Params, period: Period, folder: Path, audience: str) -> dict[str, float]:
    """One audience's appendix as HTML and PDF; returns how long each took."""
    from icnreport.render import html_to_pdf

    timings: dict[str, float] = {}
    clock = _Clock(timings)
    with clock("html"):
        html_text = render_html(executed, params, period, audience)
        (folder / "appendix.html").write_text(html_text, encoding="utf-8")
    with clock("pdf"):
        title = f"{params.report.title} - appendix to report {params.report.reference}"
        html_to_pdf(html_text, folder / "appendix.pdf", title=title)
    return timings


def _write_workbook(params: Params, period: Period, figures, path: Path) -> None:
    """Every public table and chart's data, a sheet each, beside the public appendix: made from the figures
    after disclosure control, like everything under public/."""
    from icnreport.appendix import appendix_tables, public_figures
    from icnreport.charts import chart_data
    from icnreport.workbook import write_workbook

    public = public_figures(params, figures)
    write_workbook(path, appendix_tables(params, public).values(), chart_data(public))


def _write_manifest(
    path: Path, params: Params, period: Period, run_id: str, timings: dict[str, float], checks: dict
) -> None:
    inputs = [params.source, *params.referral_files(), *params.asc_files()]
    manifest = {
        "run_id": run_id,
        "area": params.area,
        "period": period.label,
        "made_at": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "inputs": {str(p): _sha256(p) for p in inputs},
        "params": json.loads(params.model_dump_json()),
        "versions": {"python": platform.python_version(), **_versions()},
        "git_commit": _git_commit(),
        "timings_seconds": {phase: round(seconds, 3) for phase, seconds in timings.items()},
        "identifier_check": checks,
    }
    path.write_text(json.dumps(manifest, indent=2), encoding="utf-8")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _versions() -> dict[str, str]:
    found = {}
    for package in RECORDED_PACKAGES:
        with contextlib.suppress(metadata.PackageNotFoundError):
            found[package] = metadata.version(package)
    return found


def _git_commit() -> str | None:
    try:
        done = subprocess.run(
            ["git", "-C", str(REPO_ROOT), "rev-parse", "HEAD"], capture_output=True, text=True, timeout=5, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() or None
