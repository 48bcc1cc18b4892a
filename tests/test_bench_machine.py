"""How benchmarks/run.py records the machine's state: other processes' CPU use from /proc/stat, the speed
check against its reference, and the bytecode compiled before timing."""

import argparse
import importlib.util
import time
from pathlib import Path

import pytest

RUN_PY = Path(__file__).resolve().parents[1] / "benchmarks" / "run.py"
_spec = importlib.util.spec_from_file_location("bench_run", RUN_PY)
run = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(run)

# Two readings of /proc/stat, a per-core line first: only the aggregate `cpu` line counts. Fields: user nice
# system idle iowait irq softirq steal guest guest_nice. Between them: user 500, nice 20, system 100, irq 10,
# softirq 10, steal 10 (busy 650); idle 300, iowait 50 (idle 350); guest 50, already inside user, not added.
BEFORE = """cpu0 9 9 9 9 9 9 9 9 9 9
cpu  1000 0 200 5000 40 5 5 0 7 0
intr 12345
"""
AFTER = """cpu0 99 99 99 99 99 99 99 99 99 99
cpu  1500 20 300 5300 90 15 15 10 57 0
intr 23456
"""


def test_cpu_ticks_reads_the_aggregate_line():
    assert run.cpu_ticks(BEFORE) == {"busy": 1000 + 0 + 200 + 5 + 5 + 0, "idle": 5000 + 40, "steal": 0}
    assert run.cpu_ticks(AFTER) == {"busy": 1500 + 20 + 300 + 15 + 15 + 10, "idle": 5300 + 90, "steal": 10}


def test_cpu_ticks_of_an_old_kernel_with_four_fields():
    assert run.cpu_ticks("cpu 10 2 5 100\n") == {"busy": 17, "idle": 100, "steal": 0}


def test_cpu_ticks_without_an_aggregate_line():
    assert run.cpu_ticks("cpu0 1 2 3 4\nintr 5\n") is None


def test_busy_and_steal_shares_worked_by_hand():
    shares = run.cpu_shares(run.cpu_ticks(BEFORE), run.cpu_ticks(AFTER))
    # 650 busy ticks of 1000; 10 of them stolen.
    assert shares == pytest.approx({"busy": 0.65, "steal": 0.01})


def test_no_time_between_readings_gives_no_shares():
    ticks = run.cpu_ticks(BEFORE)
    assert run.cpu_shares(ticks, ticks) is None


@pytest.mark.parametrize(
    "busy, idle, verdict",
    [
        pytest.param(200, 800, False, id="20%-quiet"),
        pytest.param(250, 750, False, id="25%-not-more"),
        pytest.param(300, 700, True, id="30%-busy"),
    ],
)
def test_busy_is_more_than_a_quarter_of_the_cores_time(busy, idle, verdict):
    shares = run.cpu_shares({"busy": 0, "idle": 0, "steal": 0}, {"busy": busy, "idle": idle, "steal": 0})
    assert run.was_busy({**shares, "seconds": 3.0}) is verdict


def test_sample_cpu_reads_proc_stat_before_and_after_its_sleep(tmp_path, monkeypatch):
    stat = tmp_path / "stat"
    stat.write_text(BEFORE, encoding="ascii")
    slept = []

    def sleep(seconds):  # the time passes: the file now holds the second reading
        slept.append(seconds)
        stat.write_text(AFTER, encoding="ascii")

    monkeypatch.setattr(run.time, "sleep", sleep)
    sample = run.sample_cpu(3.0, stat)
    assert slept == [3.0]
    assert sample["busy"] == pytest.approx(0.65)
    assert sample["steal"] == pytest.approx(0.01)
    assert run.was_busy(sample) is True
    assert run.cpu_use(sample, "2") == (
        "65% of the 2 cores' time was in use, including 1% taken by the hypervisor (steal), "
        "in a 0 s sample of /proc/stat taken before any benchmark work"
    )


def test_sample_cpu_without_proc_stat_says_it_could_not_measure(tmp_path):
    sample = run.sample_cpu(0, tmp_path / "no-such-stat")
    assert "error" in sample
    assert run.was_busy(sample) is None
    assert run.cpu_use(sample, "2").startswith("could not be measured: ")


def test_cpu_use_leaves_out_steal_when_none():
    text = run.cpu_use({"busy": 0.004, "steal": 0.0, "seconds": 3.0}, "2")
    assert text == "0.4% of the 2 cores' time was in use, in a 3 s sample of /proc/stat taken before any benchmark work"


@pytest.mark.parametrize(
    "share, text",
    [(0.0, "0%"), (0.003, "0.3%"), (0.01, "1%"), (0.654, "65%"), (1.0, "100%")],
)
def test_percent(share, text):
    assert run.percent(share) == text


@pytest.mark.parametrize(
    "seconds, text",
    [
        pytest.param(0.448, "12% slower than the reference", id="slower"),
        pytest.param(0.38, "5% faster than the reference", id="faster"),
        pytest.param(0.401, "as fast as the reference", id="same"),
    ],
)
def test_speed_against_the_reference(seconds, text):
    assert run.against_reference(seconds, 0.4) == text


def test_the_reference_is_set():
    assert 0.2 < run.REFERENCE_CALIBRATION_SECONDS < 1.0


def test_speed_check_takes_the_best_run():
    pauses = iter([0.05, 0.01, 0.03])
    best = run.speed_check(3, lambda: time.sleep(next(pauses)))
    assert 0.01 <= best < 0.03
    assert next(pauses, None) is None  # exactly three runs


def test_speed_workload_is_deterministic():
    assert run.speed_workload(2000, 1001) == run.speed_workload(2000, 1001)


def test_speed_sentence():
    reference = run.REFERENCE_CALIBRATION_SECONDS
    sentence = run.speed_sentence({"runs": 5, "start": reference * 1.12, "end": reference})
    assert sentence.startswith("Speed check (a fixed single-core workload, best of 5; the lower, the faster): ")
    assert "at the start (12% slower than the reference) and " in sentence
    assert "at the end (as fast as the reference)" in sentence


def test_compile_package_writes_bytecode_despite_dontwritebytecode(tmp_path, monkeypatch):
    monkeypatch.setattr(run.sys, "dont_write_bytecode", True)  # as PYTHONDONTWRITEBYTECODE=1 sets it
    package = tmp_path / "pkg"
    (package / "sub").mkdir(parents=True)
    sources = [package / "__init__.py", package / "sub" / "mod.py"]
    for source in sources:
        source.write_text("VALUE = 1\n", encoding="utf-8")
    done = run.compile_package([str(package)])
    assert done["files"] == 2
    assert done["folders"] == [str(package)]
    assert all(Path(importlib.util.cache_from_source(str(source))).is_file() for source in sources)


def test_compile_package_reports_a_failure(tmp_path):
    (tmp_path / "broken.py").write_text("def (:\n", encoding="utf-8")
    assert "error" in run.compile_package([str(tmp_path)])
    assert "error" in run.compile_package([])


def minimal_results(**changes) -> dict:
    results = {
        "started": "2026-01-01T00:00:00+00:00",
        "elapsed": 1.0,
        "git": "abc1234",
        "machine": {"cores (nproc)": "2"},
        "sizes_asked": [],
        "sizes": [],
        "load": (0.93, None),
        "cpu": {"busy": 0.02, "steal": 0.0, "seconds": 3.0},
        "busy": False,
        "speed": {"runs": 5, "start": 0.41, "end": 0.43},
        "bytecode": {"folders": ["src/icnreport"], "files": 33, "seconds": 0.5},
        **{section: {"error": "not run"} for section in ("demo", "plain", "backfill", "imports")},
    }
    return {**results, **changes}


def render(results: dict) -> str:
    return run.report(results, argparse.Namespace(repeats=1, period="2017-06"), "run.py")


def test_report_of_a_quiet_machine():
    text = render(minimal_results())
    assert "- Other processes' CPU use at the start: 2% of the 2 cores' time was in use" in text
    assert "- Load average (1 min) at start / end: 0.93 / – on 2 cores" in text
    assert "busy when this started" not in text
    assert "Speed check (a fixed single-core workload, best of 5" in text
    assert "the icnreport package (33 source files) was compiled to bytecode once with `compileall`" in text


def test_report_warns_when_others_used_the_cores():
    text = render(minimal_results(cpu={"busy": 0.4, "steal": 0.05, "seconds": 3.0}, busy=True))
    assert "**The machine was busy when this started (other processes used 40% of its cores' time" in text
    assert "including 5% taken by the hypervisor (steal)" in text


def test_report_when_nothing_could_be_measured():
    text = render(
        minimal_results(
            cpu={"error": "/proc/stat could not be read"}, busy=None, load=(None, None), bytecode={"error": "x"}
        )
    )
    assert "- Other processes' CPU use at the start: could not be measured: /proc/stat could not be read" in text
    assert "busy when this started" not in text
    assert "could not be compiled to bytecode before timing (x)" in text


def test_main_measures_the_machine_before_and_after_the_benchmarks(tmp_path, monkeypatch):
    """main's wiring, with every benchmark section stubbed out (each fails at once) and nothing compiled."""
    calls = []

    def fail(*args):
        calls.append("bench")
        raise run.BenchError("stubbed out")

    def speed_check():
        calls.append("speed")
        return [0.45, 0.47][calls.count("speed") - 1]

    monkeypatch.setattr(run, "sample_cpu", lambda: calls.append("cpu") or {"busy": 0.3, "steal": 0.0, "seconds": 3.0})
    monkeypatch.setattr(run, "compile_package", lambda: calls.append("compile") or {"files": 3, "seconds": 0.1})
    monkeypatch.setattr(run, "speed_check", speed_check)
    monkeypatch.setattr(run, "git_state", lambda: "abc1234")
    for name in ("bench_size", "bench_demo", "bench_plain_chain", "bench_backfill", "bench_imports"):
        monkeypatch.setattr(run, name, fail)
    out = tmp_path / "RESULTS.md"
    assert run.main(["--quick", "--out", str(out)]) == 1
    assert calls == ["cpu", "compile", "speed", *["bench"] * 5, "speed"]
    text = out.read_text(encoding="utf-8")
    assert "**The machine was busy when this started (other processes used 30% of its cores' time" in text
    assert "0.45 s at the start (" in text
    assert "0.47 s at the end (" in text
    assert "the icnreport package (3 source files) was compiled to bytecode" in text
