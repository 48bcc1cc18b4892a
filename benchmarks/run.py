"""The icnreport benchmark: `make bench`, or `.venv/bin/python benchmarks/run.py [--quick]`.

Measures, on this machine, and writes benchmarks/RESULTS.md (every figure in it comes from this run):

1. figures from synthetic extracts of each size, CSV and Parquet: reading the extracts, computing the figures
   and both together, each in a fresh process (benchmarks/phase.py) so its peak memory can be measured, and
   the `icnreport figures` command's wall time;
2. the demo's `icnreport run` (params/demo.yaml, 2017-06), phase by phase from its manifest;
3. the plain tool chain for the same period: papermill, `jupyter nbconvert`, `weasyprint`;
4. a 12-month backfill (`icnreport run --from 2016-10 --to 2017-09`);
5. the import cost of the scheduled path, and whether JupyterLab or the classic notebook is loaded on it;
6. how the figures' time grows with the number of people;

then compares them with the targets. Synthetic extracts are made once per size under benchmarks/.data/.

Before any of it, it samples the other processes' CPU use (/proc/stat), compiles the icnreport package to
bytecode (as pip does for an installed copy) and times a fixed single-core workload, the speed check, which it
times again at the end: the machine's speed drifts from one spell to the next.
"""

import argparse
import compileall
import csv
import datetime as dt
import importlib.util
import json
import os
import platform
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from importlib import metadata
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import yaml

from icnreport.params import load_params

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
DATA_DIR = BENCH_DIR / ".data"
PHASE_SCRIPT = BENCH_DIR / "phase.py"
DEMO_PARAMS = REPO / "params" / "demo.yaml"
NOTEBOOK = REPO / "notebooks" / "appendix.ipynb"
#: The virtual environment's scripts (icnreport, papermill, jupyter, weasyprint) sit beside its python.
BIN = Path(sys.executable).parent
PYTHON = sys.executable

DEMO_PERIOD = "2017-06"
BACKFILL_FROM, BACKFILL_TO = "2016-10", "2017-09"
MANIFEST_PHASES = ("read", "figures", "execute", "tables", "html", "pdf", "identifiers", "total")
#: The phases the issue's demo target names: "one demo period end to end (execute, HTML, PDF)".
APPENDIX_PHASES = ("execute", "html", "pdf")
#: What the plain chain is run for: both, to make what one `icnreport run` makes.
PLAIN_AUDIENCES = ("public", "restricted")
PACKAGES = ("icnreport", "pandas", "numpy", "pyarrow", "papermill", "nbconvert", "weasyprint")
JUPYTER_UIS = ("jupyterlab", "notebook")
READY_MARKER = ".ready"
CSV_PARAMS, PARQUET_PARAMS = "params_csv.yaml", "params_parquet.yaml"
FORMATS = ("CSV", "Parquet")

#: Targets. Memory in decimal units: 1 GB = 10^9 bytes.
TARGET_PEOPLE = 1_000_000
GROWTH_FROM, GROWTH_TO = 100_000, 1_000_000
TARGET_FIGURES_SECONDS = 5.0
TARGET_FIGURES_PEAK_BYTES = 3e9
TARGET_DEMO_SECONDS = 4.0
TARGET_DEMO_SPEEDUP = 2.0
TARGET_BACKFILL_SECONDS = 25.0

#: A busy machine distorts timings. Other processes' CPU use is sampled from /proc/stat's aggregate `cpu` line
#: (all cores' time since boot, in ticks) for CPU_SAMPLE_SECONDS at the start, before any benchmark work; the
#: machine was busy when they used more than BUSY_CPU_SHARE of all the cores' time. (Not the load average: on
#: this VM it has stood near 1 while /proc/stat showed the CPUs idle, saying "busy" with nothing else running.)
PROC_STAT = Path("/proc/stat")
CPU_SAMPLE_SECONDS = 3.0
BUSY_CPU_SHARE = 0.25

#: The speed check: a fixed single-threaded workload (Python arithmetic and dict work, then a numpy sort of a
#: seeded random array), the best of CALIBRATION_RUNS runs, timed at the start and at the end of the benchmark.
#: It only tells the reader how fast the machine ran (this VM's speed drifts by 40% or more between spells);
#: no verdict depends on it.
CALIBRATION_LOOPS = 1_500_000
CALIBRATION_SORT_SIZE = 7_000_000
CALIBRATION_RUNS = 5
#: The speed check's best time on this machine when quiet, and the range of its times when quiet: measured
#: 2026-11-22, 22:52-23:03 UTC, on the 2-core AMD EPYC VM in /work/main (Python 3.11.7, numpy 2.4.6), 14 times
#: (each the best of 5) while /proc/stat showed other processes using under 1% of the cores. The lowest was
#: 0.408 s; most were 0.41-0.43 s, but in a slow spell at 23:01-23:02, with nothing else running and no steal,
#: it took 0.485 s and 0.629 s. (With another process busy on the other core it took 0.56-0.75 s.)
REFERENCE_CALIBRATION_SECONDS = 0.408
QUIET_CALIBRATION_SECONDS = (0.408, 0.629)


class BenchError(Exception):
    """A command the benchmark runs failed."""


# --- running and timing -------------------------------------------------------------------------------------


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    return env


def timed(command: list, *, cwd: Path = REPO) -> tuple[float, subprocess.CompletedProcess]:
    """Run a command; its wall time (seconds) and result. A non-zero exit is a BenchError."""
    command = [str(part) for part in command]
    started = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, env=child_env(), capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise BenchError(f"`{shlex.join(command)}` exited with status {done.returncode}: {tail(done.stderr)}")
    return seconds, done


def tail(text: str, lines: int = 3) -> str:
    kept = [line.strip() for line in text.strip().splitlines() if line.strip()][-lines:]
    return " / ".join(kept) or "(no output on standard error)"


def say(message: str) -> None:
    print(message, flush=True)


def summary(values: list[float]) -> dict:
    return {"median": statistics.median(values), "min": min(values), "max": max(values), "n": len(values)}


# --- formatting ---------------------------------------------------------------------------------------------


def secs(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:.3f} s" if value < 1 else f"{value:.2f} s"


def spread(stats: dict | None) -> str:
    """A median, with the range when there was more than one run."""
    if not stats:
        return "–"
    if stats["n"] == 1:
        return secs(stats["median"])
    return f"{secs(stats['median'])} ({stats['min']:.2f}–{stats['max']:.2f})"


def memory(kib: int | None) -> str:
    if kib is None:
        return "–"
    size = kib * 1024
    return f"{size / 1e9:.2f} GB" if size >= 1e9 else f"{size / 1e6:,.0f} MB"


def megabytes(size: int) -> str:
    return f"{size / 1e6:,.1f} MB"


def percent(share: float) -> str:
    """A share as a percentage: whole per cent, or one decimal below 1% so that a small share does not read 0%."""
    return f"{share:.1%}" if 0 < share < 0.01 else f"{share:.0%}"


def table(headings: list[str], rows: list[list]) -> list[str]:
    lines = ["| " + " | ".join(headings) + " |", "|" + "|".join(" --- " for _ in headings) + "|"]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return lines


# --- 1. the synthetic extracts ------------------------------------------------------------------------------


def prepare_extract(people: int) -> Path:
    """benchmarks/.data/<people>/: the synthetic CSV extract, its Parquet copy, and params for both."""
    folder = DATA_DIR / str(people)
    if (folder / READY_MARKER).is_file():
        say(f"  extract of {people:,} people: already in {folder.relative_to(REPO)}")
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    say(f"  extract of {people:,} people: generating into {folder.relative_to(REPO)} ...")
    seconds, _ = timed([BIN / "icnreport", "synth", "--people", people, "--seed", 1, "--out", folder])
    base = yaml.safe_load((folder / "params.yaml").read_text(encoding="utf-8"))
    base["report"] = {"committee": "Benchmark committee", "reference": f"BENCH-{people}"}
    write_yaml(folder / CSV_PARAMS, base)
    params = load_params(folder / CSV_PARAMS)
    parquet = folder / "parquet"
    parquet.mkdir()
    skipped = 0
    for path in [*params.referral_files(), *params.asc_files()]:
        skipped += csv_to_parquet(path, parquet / f"{path.stem}.parquet")
    referrals = Path(base["data"]["referrals"])
    asc = [base["data"]["asc"]] if isinstance(base["data"]["asc"], str) else base["data"]["asc"]
    base["data"]["referrals"] = f"parquet/{referrals.stem}.parquet"
    parquet_asc = [f"parquet/{Path(entry).stem}.parquet" for entry in asc]
    base["data"]["asc"] = parquet_asc[0] if isinstance(base["data"]["asc"], str) else parquet_asc
    write_yaml(folder / PARQUET_PARAMS, base)
    (folder / "parquet.json").write_text(json.dumps({"rows_not_copied": skipped}), encoding="utf-8")
    (folder / READY_MARKER).write_text(f"synth {seconds:.1f} s\n", encoding="utf-8")
    say(f"    done ({seconds:.1f} s to synthesise; Parquet copy written)")
    return folder


def write_yaml(path: Path, data: dict) -> None:
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


def csv_to_parquet(source: Path, target: Path) -> int:
    """Copy one CSV to Parquet typed as a council's system would write it: dates as date32, costs, units and
    ages as numbers, the NHS number as int64, ids and codes as text (blank typed cells as nulls). A column
    with any value that is not a plain date or number (a typing slip such as 31/02/2017, a cost written
    `£12.50`, an NHS number with spaces) stays text, so that every row is carried as written. Returns the
    number of rows that could not be split into the heading row's columns (left out of the copy)."""
    import pyarrow.compute as pc

    from icnreport.columns import ASC_COLUMNS, DATE, NHS_NUMBER, NUMBER, REFERRAL_COLUMNS
    from icnreport.headings import normalise_heading

    with source.open(encoding="utf-8-sig", newline="") as handle:
        names = next(csv.reader(handle))
    skipped = 0

    def skip(_row) -> str:
        nonlocal skipped
        skipped += 1
        return "skip"

    table = pacsv.read_csv(
        source,
        read_options=pacsv.ReadOptions(encoding="utf8"),
        parse_options=pacsv.ParseOptions(invalid_row_handler=skip),
        convert_options=pacsv.ConvertOptions(
            column_types=dict.fromkeys(names, pa.string()), strings_can_be_null=False, quoted_strings_can_be_null=False
        ),
    )
    kinds = {
        normalise_heading(heading): column.kind
        for column in (*REFERRAL_COLUMNS, *ASC_COLUMNS)
        for heading in (column.name, *column.aliases)
    }
    plain = {  # what a typed column's values look like written out; anything else keeps the column as text
        DATE: r"[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{2}/[0-9]{2}/[0-9]{4}",
        NUMBER: r"-?[0-9]+(\.[0-9]+)?",
        NHS_NUMBER: r"[1-9][0-9]{9}",  # no leading zero, no spaces: the number holds every digit
    }
    columns = []
    for name, text in zip(table.column_names, table.columns, strict=True):
        kind = kinds.get(normalise_heading(name))
        blank = pc.equal(pc.utf8_trim_whitespace(text), "")
        values = pc.if_else(blank, pa.scalar(None, pa.string()), text)
        if kind not in plain or not pc.all(pc.match_substring_regex(values, f"^(?:{plain[kind]})$")).as_py():
            columns.append(text)
        elif kind == DATE:
            iso = pc.strptime(values, format="%Y-%m-%d", unit="s", error_is_null=True)
            uk = pc.strptime(values, format="%d/%m/%Y", unit="s", error_is_null=True)
            days = pc.if_else(pc.match_substring(values, "/"), uk, iso)
            # Every written date is a real day: written out again, it is what was written (31/02/2017 is not).
            again = pc.if_else(
                pc.match_substring(values, "/"), pc.strftime(days, "%d/%m/%Y"), pc.strftime(days, "%Y-%m-%d")
            )
            real = days.null_count == values.null_count and pc.all(pc.equal(again, values)).as_py() is not False
            columns.append(pc.cast(days, pa.date32()) if real else text)
        elif kind == NUMBER:
            columns.append(pc.cast(values, pa.float64()))
        else:
            columns.append(pc.cast(values, pa.int64()))
    pq.write_table(pa.table(columns, names=table.column_names), target)
    return skipped


def total_size(folder: Path, pattern: str) -> int:
    return sum(path.stat().st_size for path in folder.glob(pattern))


# --- 2. figures from the extracts ---------------------------------------------------------------------------


def phase(params: Path, period: str, which: str) -> dict:
    _, done = timed([PYTHON, PHASE_SCRIPT, "--params", params, "--period", period, "--phase", which])
    return json.loads(done.stdout.strip().splitlines()[-1])


def bench_size(people: int, repeats: int, period: str) -> dict:
    folder = prepare_extract(people)
    params = {"CSV": folder / CSV_PARAMS, "Parquet": folder / PARQUET_PARAMS}
    runs: dict[str, dict[str, list[dict]]] = {name: {"read": [], "figures": []} for name in FORMATS}
    for repeat in range(repeats):
        for name in FORMATS:  # interleaved, so a change in the machine's load falls on both formats alike
            for which in ("read", "figures"):
                runs[name][which].append(phase(params[name], period, which))
        say(
            f"    {people:,} people, repeat {repeat + 1}/{repeats}: "
            + ", ".join(
                f"{name} read {runs[name]['read'][-1]['read_s']:.2f} s, figures end to end "
                f"{runs[name]['figures'][-1]['read_s'] + runs[name]['figures'][-1]['compute_s']:.2f} s"
                for name in FORMATS
            )
        )
    command = []
    for _ in range(repeats):
        seconds, _ = timed([BIN / "icnreport", "figures", "--params", params["CSV"], "--period", period])
        command.append(seconds)
    result: dict = {"people": people, "folder": str(folder.relative_to(REPO)), "formats": {}}
    hashes = set()
    for name in FORMATS:
        reads, figures = runs[name]["read"], runs[name]["figures"]
        hashes.update(run["figures_sha256"] for run in figures)
        result["formats"][name] = {
            "read": summary([run["read_s"] for run in reads]),
            "read_peak_kib": max(run["peak_rss_kib"] for run in reads),
            "import_peak_kib": max(run["peak_after_import_kib"] for run in reads),
            "compute": summary([run["compute_s"] for run in figures]),
            "end_to_end": summary([run["read_s"] + run["compute_s"] for run in figures]),
            "end_to_end_peak_kib": max(run["peak_rss_kib"] for run in figures),
            "rows": figures[-1]["rows"],
            "people": figures[-1]["people"],
            "tracked": figures[-1]["tracked"],
        }
    result["formats"]["CSV"]["command"] = summary(command)
    result["formats"]["CSV"]["bytes"] = total_size(folder, "*.csv")
    result["formats"]["Parquet"]["bytes"] = total_size(folder / "parquet", "*.parquet")
    result["same_figures"] = len(hashes) == 1
    result["rows_not_copied"] = json.loads((folder / "parquet.json").read_text(encoding="utf-8"))["rows_not_copied"]
    return result


# --- 3-5. the demo run, the plain chain, the backfill -------------------------------------------------------


def bench_demo(tmp: Path, repeats: int) -> dict:
    walls, phases, appendix = [], {name: [] for name in MANIFEST_PHASES}, []
    for repeat in range(repeats):
        out = tmp / f"demo-{repeat}"
        seconds, _ = timed(
            [BIN / "icnreport", "run", "--params", DEMO_PARAMS, "--period", DEMO_PERIOD, "--output-dir", out]
        )
        manifests = sorted(out.glob(f"*/{DEMO_PERIOD}/manifest.json"))
        if len(manifests) != 1:
            raise BenchError(f"expected one manifest.json under {out}, found {len(manifests)}")
        timings = json.loads(manifests[0].read_text(encoding="utf-8"))["timings_seconds"]
        walls.append(seconds)
        for name in MANIFEST_PHASES:
            if name in timings:
                phases[name].append(timings[name])
        if all(name in timings for name in APPENDIX_PHASES):
            appendix.append(sum(timings[name] for name in APPENDIX_PHASES))
        say(
            f"    icnreport run, repeat {repeat + 1}/{repeats}: {seconds:.2f} s wall, "
            f"{timings.get('total', 0):.2f} s total in the manifest"
        )
    return {
        "wall": summary(walls),
        "appendix": summary(appendix) if appendix else None,
        "phases": {name: summary(values) for name, values in phases.items() if values},
        "missing_phases": [name for name, values in phases.items() if not values],
    }


def bench_plain_chain(tmp: Path, repeats: int) -> dict:
    """papermill, nbconvert and weasyprint, as commands, once for each audience: the public and restricted
    appendices one `icnreport run` makes."""
    steps: dict[str, list[float]] = {"papermill": [], "nbconvert": [], "weasyprint": []}
    one, both = [], []
    for repeat in range(repeats):
        totals = {}
        for audience in PLAIN_AUDIENCES:
            out = tmp / f"plain-{repeat}-{audience}"
            out.mkdir()
            totals[audience] = plain_chain_once(out, audience, steps)
        one.append(totals["restricted"])
        both.append(sum(totals.values()))
        say(f"    plain chain, repeat {repeat + 1}/{repeats}: {both[-1]:.2f} s for both appendices")
    return {
        "steps": {name: summary(values) for name, values in steps.items()},
        "one": summary(one),
        "both": summary(both),
    }


def plain_chain_once(out: Path, audience: str, steps: dict[str, list[float]]) -> float:
    notebook, page, pdf = out / "appendix.ipynb", out / "appendix.html", out / "appendix.pdf"
    parameters = [
        "params_file",
        DEMO_PARAMS.resolve(),
        "period",
        DEMO_PERIOD,
        "figures_json",
        "",
        "audiences",
        audience,
    ]
    options = [item for pair in zip(["-p"] * 4, parameters[0::2], parameters[1::2], strict=True) for item in pair]
    papermill, _ = timed([BIN / "papermill", NOTEBOOK, notebook, *options])
    nbconvert, _ = timed([BIN / "jupyter", "nbconvert", "--to", "html", "--no-input", notebook])
    weasyprint, _ = timed([BIN / "weasyprint", page, pdf])
    if not pdf.is_file():
        raise BenchError(f"weasyprint made no {pdf}")
    for name, seconds in (("papermill", papermill), ("nbconvert", nbconvert), ("weasyprint", weasyprint)):
        steps[name].append(seconds)
    return papermill + nbconvert + weasyprint


def bench_backfill(tmp: Path, repeats: int) -> dict:
    walls, months = [], []
    labels = month_labels(BACKFILL_FROM, BACKFILL_TO)
    expected = len(labels)
    for repeat in range(repeats):
        out = tmp / f"backfill-{repeat}"
        seconds, _ = timed(
            [
                BIN / "icnreport",
                "run",
                "--params",
                DEMO_PARAMS,
                "--from",
                BACKFILL_FROM,
                "--to",
                BACKFILL_TO,
                "--output-dir",
                out,
            ]
        )
        walls.append(seconds)
        # a period's folder is a link to a hidden build folder: count the periods' own names, not every folder
        months.append(sum(1 for label in labels if any(out.glob(f"*/{label}/public/appendix.pdf"))))
        say(f"    backfill, repeat {repeat + 1}/{repeats}: {seconds:.2f} s, {months[-1]} of {expected} appendices")
    return {"wall": summary(walls), "appendices": min(months), "months": expected}


def month_labels(first: str, last: str) -> list[str]:
    """`YYYY-MM` of each month from first to last, both included."""
    year, month = map(int, first.split("-"))
    end = tuple(map(int, last.split("-")))
    labels = []
    while (year, month) <= end:
        labels.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return labels


# --- 6. import cost -----------------------------------------------------------------------------------------

LOADED_CHECK = """
import importlib.util, json, sys
{imports}
names = {names!r}
loaded = sorted(m for m in sys.modules if any(m == n or m.startswith(n + ".") for n in names))
installed = [n for n in names if importlib.util.find_spec(n) is not None]
print(json.dumps({{"loaded": loaded, "installed": installed}}))
"""

RUN_IN_PROCESS = """
import contextlib, io
from icnreport.cli import main
with contextlib.redirect_stdout(io.StringIO()):
    status = main(["run", "--params", {params!r}, "--period", {period!r}, "--output-dir", {out!r}])
if status:
    raise SystemExit(status)
"""


def bench_imports(tmp: Path, repeats: int) -> dict:
    scheduled, bare = [], []
    for _ in range(repeats):
        bare.append(timed([PYTHON, "-c", "pass"])[0])
        scheduled.append(timed([PYTHON, "-c", "import icnreport.cli, icnreport.runner"])[0])
    after_import = loaded_check("import icnreport.runner, icnreport.appendix")
    after_run = loaded_check(
        RUN_IN_PROCESS.format(params=str(DEMO_PARAMS), period=DEMO_PERIOD, out=str(tmp / "inproc"))
    )
    return {
        "import": summary(scheduled),
        "bare": summary(bare),
        "after_import": after_import,
        "after_run": after_run,
    }


def loaded_check(imports: str) -> dict:
    _, done = timed([PYTHON, "-c", LOADED_CHECK.format(imports=imports, names=JUPYTER_UIS)])
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- the machine --------------------------------------------------------------------------------------------


def machine() -> dict:
    try:
        cores = subprocess.run(["nproc"], capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        cores = str(os.cpu_count())
    info = {"cores (nproc)": cores, "CPU": proc_field("/proc/cpuinfo", "model name"), "memory": "unknown"}
    total = proc_field("/proc/meminfo", "MemTotal")
    if total and total.endswith("kB"):
        info["memory"] = f"{int(total.split()[0]) * 1024 / 1e9:.1f} GB (MemTotal {total})"
    info["OS"] = platform.platform()
    info["Python"] = f"{platform.python_version()} ({sys.executable})"
    for package in PACKAGES:
        try:
            info[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            info[package] = "not installed"
    return info


def proc_field(path: str, name: str) -> str | None:
    try:
        with open(path, encoding="utf-8") as handle:
            for line in handle:
                key, _, value = line.partition(":")
                if key.strip() == name:
                    return value.strip()
    except OSError:
        pass
    return None


def load_average() -> float | None:
    """The 1-minute load average, for information only (see BUSY_CPU_SHARE); None where there is none."""
    try:
        return os.getloadavg()[0]
    except (AttributeError, OSError):
        return None


def cpu_ticks(text: str) -> dict[str, int] | None:
    """The aggregate `cpu` line of /proc/stat's text, in ticks: busy (user, nice, system, irq, softirq, steal),
    idle (idle, iowait) and, on its own, steal (time the hypervisor gave to other machines). guest and
    guest_nice are left out: they are already counted in user and nice. None when there is no such line."""
    for line in text.splitlines():
        fields = line.split()
        if fields and fields[0] == "cpu":
            values = [int(value) for value in fields[1:9]]
            user, nice, system, idle, iowait, irq, softirq, steal = values + [0] * (8 - len(values))
            return {"busy": user + nice + system + irq + softirq + steal, "idle": idle + iowait, "steal": steal}
    return None


def cpu_shares(before: dict[str, int], after: dict[str, int]) -> dict[str, float] | None:
    """The shares of all the cores' time that were busy, and stolen, between two readings of cpu_ticks; None
    when no time passed between them."""
    busy, idle = after["busy"] - before["busy"], after["idle"] - before["idle"]
    if busy + idle <= 0:
        return None
    return {"busy": busy / (busy + idle), "steal": (after["steal"] - before["steal"]) / (busy + idle)}


def read_cpu_ticks(path: Path) -> dict[str, int] | None:
    try:
        return cpu_ticks(path.read_text(encoding="ascii"))
    except (OSError, ValueError):
        return None


def sample_cpu(seconds: float = CPU_SAMPLE_SECONDS, path: Path = PROC_STAT) -> dict:
    """How much of the machine's CPU time other processes used over `seconds` (this one sleeps meanwhile):
    {"busy": share, "steal": share, "seconds": ...}, or {"error": why} where it cannot be measured (no
    /proc/stat: not Linux)."""
    before = read_cpu_ticks(path)
    if before is None:
        return {"error": f"{path} could not be read (it exists on Linux only)"}
    started = time.perf_counter()
    time.sleep(seconds)
    after = read_cpu_ticks(path)
    shares = cpu_shares(before, after) if after else None
    if shares is None:
        return {"error": f"{path} could not be read a second time, or showed no time passing"}
    return {**shares, "seconds": time.perf_counter() - started}


def was_busy(sample: dict) -> bool | None:
    """Whether other processes used more than BUSY_CPU_SHARE of the cores' time; None when not measured."""
    return sample["busy"] > BUSY_CPU_SHARE if "busy" in sample else None


def speed_workload(loops: int = CALIBRATION_LOOPS, size: int = CALIBRATION_SORT_SIZE) -> int:
    """The speed check's fixed work, on one core: Python arithmetic and dict updates, then a numpy sort of a
    seeded random array. Returns a checksum, the same every time, so that none of the work goes unused."""
    counts: dict[int, int] = {}
    total = 0
    for i in range(loops):
        key = (i * 7919) % 1021
        counts[key] = counts.get(key, 0) + (i & 15)
        total += i % 13
    ordered = np.sort(np.random.default_rng(1).random(size))
    return total + sum(counts.values()) + int(ordered[size // 2] * 1e6)


def speed_check(runs: int = CALIBRATION_RUNS, workload: Callable[[], object] = speed_workload) -> float:
    """The best wall time, in seconds, of `runs` runs of the workload."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        workload()
        times.append(time.perf_counter() - started)
    return min(times)


def against_reference(seconds: float, reference: float = REFERENCE_CALIBRATION_SECONDS) -> str:
    """A speed check's time against the reference, in words: "12% slower than the reference" when it took 12%
    longer, "5% faster" when it took 5% less time."""
    change = round((seconds / reference - 1) * 100)
    if change == 0:
        return "as fast as the reference"
    return f"{abs(change)}% {'slower' if change > 0 else 'faster'} than the reference"


def compile_package(folders: list[str] | None = None) -> dict:
    """Compile icnreport's sources to bytecode (`__pycache__`, git-ignored), as pip does when it installs a copy.
    This environment sets PYTHONDONTWRITEBYTECODE=1 and the package is installed editable, so otherwise every
    process that imports icnreport would compile its sources again (0.2-0.3 s), which an installed copy does
    not do after its first run. Returns the folders and files compiled, or {"error": why}."""
    if folders is None:
        spec = importlib.util.find_spec("icnreport")
        folders = list(spec.submodule_search_locations or []) if spec else []
    if not folders:
        return {"error": "the icnreport package's folder was not found"}
    started = time.perf_counter()
    compiled = all([compileall.compile_dir(folder, quiet=1) for folder in folders])
    files = sum(1 for folder in folders for _ in Path(folder).rglob("*.py"))
    if not compiled:
        return {"error": f"compileall could not compile every file in {', '.join(folders)}"}
    return {"folders": folders, "files": files, "seconds": time.perf_counter() - started}


def git_state() -> str:
    def git(*args: str) -> str:
        done = subprocess.run(["git", "-C", str(REPO), *args], capture_output=True, text=True, check=False)
        return done.stdout.strip()

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    dirty = git("status", "--porcelain", "--untracked-files=no")
    return f"{commit}{' with uncommitted changes to tracked files' if dirty else ''}"


# --- the report ---------------------------------------------------------------------------------------------


def verdict(met: bool | None, value: str) -> tuple[str, str]:
    return ("not measured" if met is None else "met" if met else "not met"), value


def targets(results: dict, sizes: list[int]) -> list[list[str]]:
    rows = []
    sized = {entry["people"]: entry for entry in results.get("sizes", []) if "error" not in entry}

    csv_1m = sized.get(TARGET_PEOPLE, {}).get("formats", {}).get("CSV")
    if csv_1m:
        seconds, peak = csv_1m["end_to_end"]["median"], csv_1m["end_to_end_peak_kib"]
        rows.append(["Figures for 1M people (CSV) < 5 s", *verdict(seconds < TARGET_FIGURES_SECONDS, secs(seconds))])
        rows.append(
            ["Figures for 1M people (CSV) < 3 GB peak", *verdict(peak * 1024 < TARGET_FIGURES_PEAK_BYTES, memory(peak))]
        )
    else:
        why = f"size {TARGET_PEOPLE:,} not run" if TARGET_PEOPLE not in sizes else "size failed"
        rows.append(["Figures for 1M people (CSV) < 5 s", *verdict(None, why)])
        rows.append(["Figures for 1M people (CSV) < 3 GB peak", *verdict(None, why)])

    if sized:
        largest = sized[max(sized)]
        csv_s = largest["formats"]["CSV"]["end_to_end"]["median"]
        parquet_s = largest["formats"]["Parquet"]["end_to_end"]["median"]
        value = f"at {largest['people']:,} people: Parquet {secs(parquet_s)}, CSV {secs(csv_s)} (figures end to end)"
        rows.append(["Parquet faster than CSV (largest size run)", *verdict(parquet_s < csv_s, value)])
    else:
        rows.append(["Parquet faster than CSV (largest size run)", *verdict(None, "no size measured")])

    growth = growth_ratio(sized, GROWTH_FROM, GROWTH_TO)
    linear = GROWTH_TO / GROWTH_FROM
    if growth is None:
        rows.append(
            [
                f"Growth 100k -> 1M no worse than linear (ratio <= {linear:g})",
                *verdict(None, "needs sizes 100,000 and 1,000,000"),
            ]
        )
    else:
        rows.append(
            [
                f"Growth 100k -> 1M no worse than linear (ratio <= {linear:g})",
                *verdict(growth <= linear, f"{growth:.2f}"),
            ]
        )

    demo, plain = results.get("demo", {}), results.get("plain", {})
    name = "Demo end to end (execute + HTML + PDF) < 4 s"
    if demo.get("appendix"):
        seconds = demo["appendix"]["median"]
        value = f"{secs(seconds)} (the command's wall time: {secs(demo['wall']['median'])})"
        rows.append([name, *verdict(seconds < TARGET_DEMO_SECONDS, value)])
    else:
        rows.append([name, *verdict(None, demo.get("error", "not run"))])
    name = "Demo >= 2x faster than the plain chain"
    if "wall" in demo and "both" in plain:
        ratio = plain["both"]["median"] / demo["wall"]["median"]
        plain_s, run_s = secs(plain["both"]["median"]), secs(demo["wall"]["median"])
        value = f"{ratio:.2f}x (plain chain for both appendices {plain_s} / icnreport run {run_s}, wall)"
        rows.append([name, *verdict(ratio >= TARGET_DEMO_SPEEDUP, value)])
    else:
        rows.append([name, *verdict(None, plain.get("error") or demo.get("error") or "not run")])

    backfill = results.get("backfill", {})
    if "wall" in backfill:
        seconds = backfill["wall"]["median"]
        complete = backfill["appendices"] == backfill["months"]
        value = f"{secs(seconds)}, {backfill['appendices']} of {backfill['months']} appendices made"
        rows.append(["12-month backfill < 25 s", *verdict(seconds < TARGET_BACKFILL_SECONDS and complete, value)])
    else:
        rows.append(["12-month backfill < 25 s", *verdict(None, backfill.get("error", "not run"))])

    imports = results.get("imports", {})
    if "after_import" in imports:
        loaded = sorted(set(imports["after_import"]["loaded"]) | set(imports["after_run"]["loaded"]))
        installed = imports["after_import"]["installed"]
        value = "loaded: " + ", ".join(loaded) if loaded else "none loaded"
        value += f" ({', '.join(installed)} installed)" if installed else " (neither is installed in this environment)"
        rows.append(["No JupyterLab (or classic notebook) on the scheduled path", *verdict(not loaded, value)])
    else:
        rows.append(
            [
                "No JupyterLab (or classic notebook) on the scheduled path",
                *verdict(None, imports.get("error", "not run")),
            ]
        )
    return rows


def growth_ratio(sized: dict, small: int, large: int) -> float | None:
    if small not in sized or large not in sized:
        return None
    return (
        sized[large]["formats"]["CSV"]["end_to_end"]["median"] / sized[small]["formats"]["CSV"]["end_to_end"]["median"]
    )


def cpu_use(sample: dict, cores: str) -> str:
    """Other processes' CPU use at the start, in words."""
    if "error" in sample:
        return f"could not be measured: {sample['error']}"
    text = f"{percent(sample['busy'])} of the {cores} cores' time was in use"
    if sample["steal"] > 0:
        text += f", including {percent(sample['steal'])} taken by the hypervisor (steal)"
    return text + f", in a {sample['seconds']:.0f} s sample of /proc/stat taken before any benchmark work"


def load_averages(load: tuple[float | None, float | None]) -> str:
    return " / ".join("–" if value is None else f"{value:.2f}" for value in load)


def speed_sentence(speed: dict) -> str:
    """The speed check at the start and at the end, in a sentence, against the reference."""
    return (
        f"Speed check (a fixed single-core workload, best of {speed['runs']}; the lower, the faster): "
        f"{speed['start']:.2f} s at the start ({against_reference(speed['start'])}) and "
        f"{speed['end']:.2f} s at the end ({against_reference(speed['end'])}). The reference, "
        f"{REFERENCE_CALIBRATION_SECONDS:.2f} s, is its best time on the 2-core VM this benchmark was written on "
        "(`REFERENCE_CALIBRATION_SECONDS` in benchmarks/run.py); with nothing else running there it has taken "
        f"{QUIET_CALIBRATION_SECONDS[0]:.2f}-{QUIET_CALIBRATION_SECONDS[1]:.2f} s, as the VM's speed drifts "
        "between spells. Compare timings from two runs only alongside their speed checks; no verdict depends on it."
    )


def bytecode_note(bytecode: dict) -> str:
    if "error" in bytecode:
        return (
            f"- The icnreport package could not be compiled to bytecode before timing ({bytecode['error']}), so "
            "each process that imports it compiled its sources again: the timings are slower than an installed "
            "copy's by that much."
        )
    return (
        f"- Before any timing, the icnreport package ({bytecode['files']} source files) was compiled to bytecode "
        "once with `compileall`, as pip does when it installs a copy: this environment sets "
        "PYTHONDONTWRITEBYTECODE=1 and the package is installed editable, so otherwise every process importing it "
        "would compile its sources again (0.2-0.3 s), which an installed copy does not do after its first run."
    )


def report(results: dict, args: argparse.Namespace, command: str) -> str:
    cores = results["machine"]["cores (nproc)"]
    lines = ["# icnreport benchmark results", ""]
    lines += [
        f"- Date: {results['started']} (took {results['elapsed']:.0f} s)",
        f"- Command: `{command}`",
        f"- Code: git commit {results['git']}",
        f"- Runs: median of {args.repeats} run(s) per measurement (range in brackets when more than one); "
        f"scale extracts for period {args.period}, seed 1",
        f"- Other processes' CPU use at the start: {cpu_use(results['cpu'], cores)}",
        f"- Load average (1 min) at start / end: {load_averages(results['load'])} on {cores} cores (for "
        "information only: the CPU use above judges whether the machine was busy)",
    ]
    if results["busy"]:
        lines += [
            "",
            f"**The machine was busy when this started (other processes used {percent(results['cpu']['busy'])} of "
            f"its cores' time, more than {BUSY_CPU_SHARE:.0%}): the timings are distorted and should not be "
            "compared with the targets. Rerun on a quiet machine.**",
        ]
    lines += ["", "## Machine", ""]
    lines += table(["", ""], [[key, value] for key, value in results["machine"].items()])
    lines += ["", speed_sentence(results["speed"])]

    lines += ["", "## Targets", ""]
    lines += table(["target", "status", "measured"], targets(results, results["sizes_asked"]))

    lines += ["", "## 1. Figures from synthetic extracts", ""]
    lines += [
        "Each measurement is a fresh Python process (benchmarks/phase.py) that times its own work with "
        "`time.perf_counter()` (imports excluded) and reports its peak resident memory (`ru_maxrss`). "
        "*Read*: `read_extracts` (both extracts at once), in a process that only reads. "
        "*Compute*: `compute_figures` on the "
        "extracts just read, in a second process that reads and then computes; *figures end to end* is that "
        "process's read + compute, and its peak memory. `icnreport figures` is the whole command's wall time "
        "(interpreter start, imports, params, read, compute, JSON).",
        "",
    ]
    rows = []
    for entry in results.get("sizes", []):
        if "error" in entry:
            rows.append([f"{entry['people']:,}", "–", f"failed: {entry['error']}", *["–"] * 7])
            continue
        for name in FORMATS:
            data = entry["formats"][name]
            rows.append(
                [
                    f"{entry['people']:,}",
                    name,
                    f"{data['rows']['referrals']:,} / {data['rows']['asc']:,}",
                    megabytes(data["bytes"]),
                    spread(data["read"]),
                    memory(data["read_peak_kib"]),
                    spread(data["compute"]),
                    spread(data["end_to_end"]),
                    memory(data["end_to_end_peak_kib"]),
                    spread(data.get("command")) if "command" in data else "–",
                ]
            )
    lines += table(
        [
            "people",
            "format",
            "rows (referrals / CLD)",
            "files",
            "read",
            "read peak RSS",
            "compute",
            "figures end to end",
            "end-to-end peak RSS",
            "`icnreport figures` wall",
        ],
        rows,
    )
    notes = []
    for entry in results.get("sizes", []):
        if "error" in entry:
            continue
        base = entry["formats"]["CSV"]["import_peak_kib"]
        notes.append(
            f"- {entry['people']:,} people: {entry['formats']['CSV']['people']:,} people in the period, "
            f"{entry['formats']['CSV']['tracked']:,} tracked; CSV and Parquet give "
            f"{'identical' if entry['same_figures'] else 'DIFFERENT'} figures JSON; "
            f"a process holds {memory(base)} after its imports, before reading"
            + (
                f"; {entry['rows_not_copied']} malformed CSV rows were left out of the Parquet copy"
                if entry["rows_not_copied"]
                else ""
            )
            + f". Data in `{entry['folder']}/`."
        )
    lines += ["", *notes]

    lines += ["", "## 2. Demo: `icnreport run` (params/demo.yaml, " + DEMO_PERIOD + ")", ""]
    demo = results.get("demo", {})
    if "error" in demo:
        lines += [f"Failed: {demo['error']}"]
    else:
        rows = [[name, spread(demo["phases"][name])] for name in MANIFEST_PHASES if name in demo["phases"]]
        if demo.get("appendix"):
            rows.append(["execute + html + pdf (the demo target)", spread(demo["appendix"])])
        rows.append(["wall time of the whole command", spread(demo["wall"])])
        lines += table(["phase (manifest `timings_seconds`)", "median"], rows)
        lines += [
            "",
            "The notebook runs in the command's own process (an in-process kernel), then the workbook is written "
            "and the renderers imported; the restricted appendix is rendered in a forked process while the "
            "public one is rendered (`html`, `pdf`) and scanned for identifiers. The wall time adds interpreter "
            "start and imports to `total`.",
        ]
        if demo["missing_phases"]:
            lines += [f"Phases not in the manifest: {', '.join(demo['missing_phases'])}."]

    lines += ["", "## 3. The plain tool chain for one period", ""]
    plain = results.get("plain", {})
    lines += [
        "What a user would otherwise run, once for each appendix `icnreport run` makes (public and restricted): "
        "`papermill notebooks/appendix.ipynb OUT.ipynb -p params_file <demo params> "
        f'-p period {DEMO_PERIOD} -p figures_json "" -p audiences <audience>`, then '
        "`jupyter nbconvert --to html --no-input OUT.ipynb`, then `weasyprint OUT.html OUT.pdf` (the venv's "
        "commands, each timed as a whole command).",
        "",
    ]
    if "error" in plain:
        lines += [f"Failed: {plain['error']}"]
    else:
        rows = [[f"{name} (each run)", spread(stats)] for name, stats in plain["steps"].items()]
        rows.append(["one appendix (restricted)", spread(plain["one"])])
        rows.append(["both appendices", spread(plain["both"])])
        if "wall" in demo:
            wall = demo["wall"]["median"]
            rows.append(
                ["ratio plain chain, both appendices / `icnreport run` (wall)", f"{plain['both']['median'] / wall:.2f}"]
            )
            rows.append(
                ["ratio plain chain, one appendix / `icnreport run` (wall)", f"{plain['one']['median'] / wall:.2f}"]
            )
        lines += table(["step", "median"], rows)
        lines += [
            "",
            "The target is judged like for like: the plain chain making both appendices against one `icnreport "
            "run`, which also writes the tables workbook, the quarantine listings and the manifest and checks "
            "the public files for identifiers. Against the plain chain making one appendix the ratio is the "
            "last row.",
        ]

    lines += ["", f"## 4. Backfill: 12 months ({BACKFILL_FROM} to {BACKFILL_TO})", ""]
    backfill = results.get("backfill", {})
    if "error" in backfill:
        lines += [f"Failed: {backfill['error']}"]
    else:
        lines += table(
            ["measure", "value"],
            [
                [
                    "wall time of `icnreport run --from " + BACKFILL_FROM + " --to " + BACKFILL_TO + "`",
                    spread(backfill["wall"]),
                ],
                ["appendices made (fewest over the runs)", f"{backfill['appendices']} of {backfill['months']}"],
                ["months run at once (`--jobs`, default: cores)", results["machine"]["cores (nproc)"]],
            ],
        )

    lines += ["", "## 5. Import cost of the scheduled path", ""]
    imports = results.get("imports", {})
    if "error" in imports:
        lines += [f"Failed: {imports['error']}"]
    else:
        lines += table(
            ["measure", "value"],
            [
                ['`python -c "import icnreport.cli, icnreport.runner"` wall', spread(imports["import"])],
                ["`python -c pass` wall (interpreter start, for reference)", spread(imports["bare"])],
                [
                    "`jupyterlab` / `notebook` in `sys.modules` after `import icnreport.runner, icnreport.appendix`",
                    ", ".join(imports["after_import"]["loaded"]) or "neither",
                ],
                [
                    "... after a whole `icnreport run` of the demo in the same process",
                    ", ".join(imports["after_run"]["loaded"]) or "neither",
                ],
                ["installed in this environment", ", ".join(imports["after_import"]["installed"]) or "neither"],
            ],
        )

    lines += ["", "## 6. Growth of figures end to end (CSV)", ""]
    sized = {entry["people"]: entry for entry in results.get("sizes", []) if "error" not in entry}
    ordered = sorted(sized)
    if len(ordered) < 2:
        lines += [
            "Needs at least two sizes; this run measured "
            + (", ".join(f"{n:,}" for n in ordered) or "none")
            + f". The target compares {GROWTH_TO:,} with {GROWTH_FROM:,} people."
        ]
    else:
        rows = []
        for small, large in zip(ordered, ordered[1:], strict=False):
            ratio = growth_ratio(sized, small, large)
            rows.append([f"{small:,} -> {large:,}", f"{ratio:.2f}", f"{large / small:g}"])
        lines += table(["sizes", "time ratio", "linear would be"], rows)

    lines += [
        "",
        "## Notes",
        "",
        "- Everything above was measured by this run of benchmarks/run.py; nothing is copied in by hand but the "
        "speed check's reference.",
        "- Timings depend on the machine and on whatever else it is doing: other load distorts them.",
        bytecode_note(results["bytecode"]),
        "- Peak RSS is the process's high-water mark (`ru_maxrss`), so it includes the interpreter and the "
        "imported libraries.",
        '- "Demo end to end" is judged on the wall time of the `icnreport run` command (what a user or '
        "scheduler waits for), which is stricter than the manifest's `total`.",
    ]
    return "\n".join(lines) + "\n"


# --- main ---------------------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Benchmark icnreport and write benchmarks/RESULTS.md.")
    parser.add_argument("--sizes", default="10000,100000,1000000", help="people per synthetic extract, comma separated")
    parser.add_argument("--repeats", type=int, default=3, help="runs per measurement; the median is reported")
    parser.add_argument("--quick", action="store_true", help="a smoke test: size 10000 only, 1 repeat")
    parser.add_argument("--out", type=Path, default=BENCH_DIR / "RESULTS.md", help="the results file to write")
    parser.add_argument("--period", default=DEMO_PERIOD, help="the period of the scale extracts' figures")
    args = parser.parse_args(argv)
    if args.quick:
        args.sizes, args.repeats = "10000", 1
    try:
        args.size_list = [int(size.replace("_", "")) for size in args.sizes.split(",") if size.strip()]
    except ValueError:
        parser.error(f"--sizes: expected whole numbers separated by commas, not {args.sizes!r}")
    if not args.size_list or min(args.size_list) < 1:
        parser.error("--sizes: at least one size, each at least 1")
    if args.repeats < 1:
        parser.error("--repeats must be at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    command = shlex.join([os.path.relpath(sys.executable, Path.cwd()), *sys.argv]) if argv is None else shlex.join(argv)
    started = time.perf_counter()
    say(f"icnreport benchmark: sizes {', '.join(f'{n:,}' for n in args.size_list)}; {args.repeats} repeat(s)")
    load_start = load_average()
    # Before any benchmark work, so that what it sees is other processes' use.
    cpu = sample_cpu()
    results: dict = {
        "started": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "machine": machine(),
        "git": git_state(),
        "sizes_asked": args.size_list,
        "sizes": [],
        "cpu": cpu,
        "busy": was_busy(cpu),
    }
    cores = results["machine"]["cores (nproc)"]
    say(f"other processes' CPU use: {cpu_use(cpu, cores)}")
    results["bytecode"] = compile_package()
    say(
        f"bytecode: {results['bytecode']['error']}"
        if "error" in results["bytecode"]
        else f"compiled icnreport's {results['bytecode']['files']} source files to bytecode"
    )
    results["speed"] = {"runs": CALIBRATION_RUNS, "start": speed_check()}
    say(f"speed check: {results['speed']['start']:.2f} s ({against_reference(results['speed']['start'])})")
    failures = 0

    say("1. figures from synthetic extracts")
    for people in args.size_list:
        try:
            results["sizes"].append(bench_size(people, args.repeats, args.period))
        except BenchError as error:
            failures += 1
            say(f"    failed: {error}")
            results["sizes"].append({"people": people, "error": str(error)})

    with tempfile.TemporaryDirectory(prefix="icnreport-bench-") as folder:
        tmp = Path(folder)
        for key, title, bench in (
            ("demo", "2. demo: icnreport run", bench_demo),
            ("plain", "3. the plain tool chain", bench_plain_chain),
            ("backfill", "4. 12-month backfill", bench_backfill),
            ("imports", "5. import cost of the scheduled path", bench_imports),
        ):
            say(title)
            try:
                results[key] = bench(tmp, args.repeats)
                if key == "imports":
                    found = results[key]["after_import"]["loaded"] + results[key]["after_run"]["loaded"]
                    say(
                        f"    import: {results[key]['import']['median']:.2f} s; Jupyter UI modules loaded: "
                        + (", ".join(sorted(set(found))) or "none")
                    )
            except BenchError as error:
                failures += 1
                say(f"    failed: {error}")
                results[key] = {"error": str(error)}

    results["speed"]["end"] = speed_check()
    say(f"speed check at the end: {results['speed']['end']:.2f} s ({against_reference(results['speed']['end'])})")
    # Busy is judged at the start only: the benchmark's own backfill keeps both cores busy, so a measure at the
    # end would say nothing about other work.
    results["load"] = (load_start, load_average())
    results["elapsed"] = time.perf_counter() - started
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(report(results, args, command), encoding="utf-8")

    say("")
    say("Targets")
    for name, status, value in targets(results, args.size_list):
        say(f"  {status:>12}  {name}: {value}")
    if results["busy"]:
        say("  (the machine was busy: the timings are distorted)")
    say(f"wrote {args.out} in {results['elapsed']:.0f} s" + (f"; {failures} section(s) failed" if failures else ""))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
