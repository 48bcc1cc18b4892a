"""Putting a finished period folder in place atomically, so that a failed, killed or concurrent run never
leaves a half-written appendix where a good one was.

Each run builds in its own hidden folder beside the target, `.<period>.<run id>.<pid>`. The period's folder
`<period>` is a symbolic link to the finished folder; publishing points a new link at the new folder and
renames it over the old link in one step (rename is atomic on POSIX), so a reader sees the old folder or the
new one, never a mixture or nothing. Runs of one period at once each build their own folder; the swap and the
clean-up are serialised by a lock file, and the last to finish wins. Folders left by killed runs (their
process no longer exists) are removed by the next run of that period.
"""

import contextlib
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None

LOCK_SUFFIX = ".lock"


def staging_folder(target: Path, run_id: str) -> Path:
    """A new, empty, hidden folder beside the target for one run to build in."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.parent / f".{target.name}.{run_id}.{os.getpid()}"
    staging.mkdir()
    return staging


def publish(staging: Path, target: Path) -> None:
    """Make `target` show the finished `staging` folder, in one atomic step, and remove what it replaced."""
    with _locked(target):
        previous = _current(target)
        link = target.parent / f"{staging.name}.link"
        with contextlib.suppress(FileNotFoundError):
            link.unlink()
        try:
            link.symlink_to(staging.name, target_is_directory=True)
        except OSError:  # Windows without the right to make links: fall back to two renames
            _replace_folder(staging, target)
            _remove_abandoned(target, keep=target)
            return
        if target.exists() and not target.is_symlink():
            # A folder from before links were used: move it aside first (the only non-atomic step, once).
            previous = target.parent / f".{target.name}.legacy.{os.getpid()}"
            os.replace(target, previous)
        os.replace(link, target)
        if previous is not None and previous != staging:
            shutil.rmtree(previous, ignore_errors=True)
        _remove_abandoned(target, keep=staging)


def _replace_folder(staging: Path, target: Path) -> None:
    """Where links cannot be made: the old folder is moved aside, the new one renamed into its place, then the
    old one removed. Not atomic: a run killed between the two renames leaves the old folder beside the target
    under a hidden name, from which it can be renamed back."""
    previous = _current(target)  # a folder published through a link before
    if previous is not None:
        target.unlink()
    elif target.exists():
        previous = target.parent / f".{target.name}.retired.{os.getpid()}"
        os.replace(target, previous)
    os.replace(staging, target)
    if previous is not None:
        shutil.rmtree(previous, ignore_errors=True)


def discard(staging: Path) -> None:
    """Remove a run's folder after a failure; the published folder is untouched."""
    shutil.rmtree(staging, ignore_errors=True)


def _current(target: Path) -> Path | None:
    if target.is_symlink():
        return target.parent / os.readlink(target)
    return None


def _remove_abandoned(target: Path, keep: Path) -> None:
    """Remove build folders of this period whose run's process has gone (killed runs)."""
    for folder in target.parent.glob(f".{target.name}.*"):
        if folder == keep or folder.name.endswith((LOCK_SUFFIX, ".link")) or not folder.is_dir():
            continue
        pid = folder.name.rsplit(".", 1)[-1]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@contextlib.contextmanager
def _locked(target: Path) -> Iterator[None]:
    """An exclusive lock on the period across processes (POSIX); elsewhere, runs of one period at once are not
    serialised, so schedule one at a time."""
    lock_path = target.parent / f".{target.name}{LOCK_SUFFIX}"
    with open(lock_path, "a") as lock:
        if fcntl is None:
            yield
            return
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
