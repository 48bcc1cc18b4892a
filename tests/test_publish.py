"""Publishing a period folder atomically: readers see the old folder or the new one, never a mixture, and a
failed or killed run leaves the previous one as it was."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from icnreport.publish import discard, publish, staging_folder

ROOT = Path(__file__).resolve().parents[1]


def _build(target: Path, run_id: str, text: str) -> Path:
    staging = staging_folder(target, run_id)
    (staging / "public").mkdir()
    (staging / "public" / "appendix.html").write_text(text)
    return staging


def test_publish_replaces_the_previous_folder_and_removes_it(tmp_path: Path) -> None:
    target = tmp_path / "area" / "2017-06"
    first = _build(target, "one", "first")
    publish(first, target)
    assert (target / "public" / "appendix.html").read_text() == "first"
    second = _build(target, "two", "second")
    publish(second, target)
    assert (target / "public" / "appendix.html").read_text() == "second"
    assert not first.exists()
    assert sorted(p.name for p in target.parent.iterdir()) == sorted(["2017-06", second.name, ".2017-06.lock"])


def test_a_discarded_run_leaves_the_published_folder(tmp_path: Path) -> None:
    target = tmp_path / "area" / "2017-06"
    publish(_build(target, "one", "good"), target)
    failed = _build(target, "two", "half-written")
    discard(failed)
    assert (target / "public" / "appendix.html").read_text() == "good"
    assert not failed.exists()


def test_a_folder_from_before_links_is_replaced(tmp_path: Path) -> None:
    target = tmp_path / "area" / "2017-06"
    (target / "public").mkdir(parents=True)
    (target / "public" / "appendix.html").write_text("old layout")
    publish(_build(target, "one", "new"), target)
    assert target.is_symlink() and (target / "public" / "appendix.html").read_text() == "new"


def test_folders_of_killed_runs_are_cleared_by_the_next_run(tmp_path: Path) -> None:
    target = tmp_path / "area" / "2017-06"
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    abandoned = target.parent / f".2017-06.killed.{dead.pid}"
    abandoned.mkdir(parents=True)
    running = target.parent / f".2017-06.running.{os.getpid()}"  # a run still going: kept
    running.mkdir()
    publish(_build(target, "one", "new"), target)
    assert not abandoned.exists()
    assert running.exists()


@pytest.mark.slow
@pytest.mark.parametrize("after_seconds", [0.5, 1.5, 3.0, 4.5])
def test_a_run_killed_at_any_point_leaves_the_previous_outputs(tmp_path: Path, after_seconds: float) -> None:
    target = tmp_path / "area" / "2017-06"
    publish(_build(target, "previous", "the last good appendix"), target)
    before = {p.relative_to(target): p.read_bytes() for p in target.rglob("*") if p.is_file()}
    command = [
        sys.executable,
        "-m",
        "icnreport.cli",
        "run",
        "--params",
        str(ROOT / "params" / "demo.yaml"),
        "--period",
        "2017-06",
        "--output-dir",
        str(tmp_path / "out"),
    ]
    # The demo params write to <output>/demo-borough/2017-06: point that at the folder under test.
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "demo-borough").symlink_to(target.parent, target_is_directory=True)
    run = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    time.sleep(after_seconds)
    os.killpg(run.pid, signal.SIGKILL)
    run.wait()
    after = {p.relative_to(target): p.read_bytes() for p in target.rglob("*") if p.is_file()}
    if after != before:
        # Killed after it had published: then the new appendix is whole, not a mixture.
        assert (target / "manifest.json").is_file() and (target / "public" / "appendix.pdf").is_file()
        assert (target / "restricted" / "figures.json").is_file()
    else:
        assert after == before


@pytest.mark.slow
def test_two_runs_of_one_period_at_once_do_not_corrupt_each_other(tmp_path: Path) -> None:
    command = [
        sys.executable,
        "-m",
        "icnreport.cli",
        "run",
        "--params",
        str(ROOT / "params" / "demo.yaml"),
        "--period",
        "2017-06",
        "--output-dir",
        str(tmp_path),
    ]
    runs = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(2)]
    assert [run.wait() for run in runs] == [0, 0]
    folder = tmp_path / "demo-borough" / "2017-06"
    import json

    manifest = json.loads((folder / "manifest.json").read_text())
    notebook = json.loads((folder / "restricted" / "appendix.ipynb").read_text())
    assert notebook["metadata"]["papermill"]["parameters"]["figures_json"].startswith(str(tmp_path.resolve()))
    assert manifest["run_id"] in str(folder.resolve())
    hidden = sorted(p.name for p in folder.parent.glob(".*"))
    assert hidden == sorted([".2017-06.lock", folder.resolve().name])


def test_where_links_cannot_be_made_the_folder_is_renamed_into_place(tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "area" / "2017-06"
    publish(_build(target, "one", "first"), target)

    def no_links(*args, **kwargs):
        raise OSError("symbolic links are not allowed here")

    monkeypatch.setattr(Path, "symlink_to", no_links)
    publish(_build(target, "two", "second"), target)
    assert not target.is_symlink()
    assert (target / "public" / "appendix.html").read_text() == "second"
    assert sorted(p.name for p in target.parent.iterdir()) == sorted(["2017-06", ".2017-06.lock"])
