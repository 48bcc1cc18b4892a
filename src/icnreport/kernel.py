"""The kernels the appendix notebook runs in.

By default the notebook runs in this process (`InProcessKernel`): an IPython kernel, with the same shell,
display and error messages as a separate one, that papermill drives through in-process channels. The library,
pandas and matplotlib are already imported by the runner, so the first cell starts at once rather than two
seconds later. `--isolated` runs it in a separate Jupyter kernel process instead (`EarlyKernel`), started
before the extracts are read: slower, but a cell that crashes its interpreter cannot take the run down."""

import asyncio
import contextlib
import ctypes
import os
import sys
import threading
from pathlib import Path

# ipykernel imports debugpy, which warns on stderr about frozen modules unless told not to check them.
os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")

import jupyter_core.utils
import matplotlib
from ipykernel.inprocess.blocking import BlockingInProcessKernelClient
from ipykernel.inprocess.manager import InProcessKernelManager
from IPython.core.interactiveshell import InteractiveShell
from traitlets.config import Config

#: The kernel's own log stays quiet but for errors (ipykernel warns about local TCP on every start).
#: A separate kernel process (--isolated) is set up as the in-process one: quiet, and with no output history.
KERNEL_ARGUMENTS = ["--IPKernelApp.log_level=ERROR", "--InteractiveShell.cache_size=0"]
#: Imported as the kernel starts, before it answers: the import (a second or so) then overlaps the runner's
#: reading of the extracts instead of delaying the notebook's first cell.
WARM_UP = ["--IPKernelApp.exec_lines=import icnreport.appendix"]
KERNEL_NAME = "python3"


class CellTimeout(Exception):
    """Raised inside a notebook cell that has run for longer than a run allows."""


class InProcessKernel:
    """A kernel in this process. Each run gets an empty namespace, execution counts from 1 and the notebook's
    folder as working directory. A cell running longer than the run's timeout is stopped by CellTimeout,
    raised in the cell's thread when it next runs Python code (a call stuck inside C code stops when it
    returns)."""

    def __init__(self) -> None:
        # IPython makes its namespace this process's __main__; the runner's own goes back between runs (a
        # backfill worker finds the functions it is sent there when started with `python -m icnreport.cli`).
        self._main = sys.modules["__main__"]
        # No history database under the user's home, and no output history (Out, _1, ...): a scheduled run
        # keeps nothing between runs, and without an output cache a new run's reset has none to collect.
        config = Config({"HistoryManager": {"enabled": False}, "InteractiveShell": {"cache_size": 0}})
        self.manager = _InProcessManager(config=config)
        self.manager.start_kernel()
        shell = self.manager.kernel.shell
        self._notebook_main = sys.modules["__main__"]
        sys.modules["__main__"] = self._main
        # Figures a cell draws with pyplot are shown as a separate kernel shows them: as there, the inline
        # backend is named, and set up when a cell first imports pyplot (the runner itself never does).
        matplotlib.rcParams["backend"] = "module://matplotlib_inline.backend_inline"
        self._watch = _CellWatch()
        shell.events.register("pre_run_cell", self._watch.started)
        shell.events.register("post_run_cell", self._watch.finished)
        self._shell = shell

    @contextlib.contextmanager
    def running(self, cwd: Path, cell_timeout: float):
        """For one notebook run: a fresh namespace, `cwd` as this process's working directory (the runner's
        own paths are absolute, so its work alongside is not affected), and cells stopped after `cell_timeout`
        seconds."""
        self._shell.reset(new_session=True)
        if "matplotlib.pyplot" in sys.modules:  # imported before the kernel was made: switch it to inline now
            self._shell.enable_matplotlib("inline")
        self._watch.seconds = cell_timeout
        previous = Path.cwd()
        os.chdir(cwd)
        sys.modules["__main__"] = self._notebook_main
        try:
            yield self.manager
        finally:
            sys.modules["__main__"] = self._main
            os.chdir(previous)


class _InProcessClient(BlockingInProcessKernelClient):
    """The blocking in-process client, with the signatures nbclient calls it with."""

    def wait_for_ready(self, timeout: float | None = None) -> None:
        # The kernel is in this process and ready once it exists; the stock client polls with timeouts.
        for channel in (self.shell_channel, self.iopub_channel):
            channel.get_msgs()

    def stop_channels(self) -> None:
        super().stop_channels()
        if self.kernel is not None and self in self.kernel.frontends:
            self.kernel.frontends.remove(self)


class _InProcessManager(InProcessKernelManager):
    """The in-process kernel manager, with the signatures nbclient calls it with."""

    def client(self, **kwargs) -> _InProcessClient:
        return _InProcessClient(kernel=self.kernel, session=self.session, parent=self, **kwargs)

    def shutdown_kernel(self, now: bool = False, restart: bool = False) -> None:
        super().shutdown_kernel()


class _CellWatch:
    """Stops a cell that runs too long, by raising CellTimeout in the thread running it."""

    def __init__(self) -> None:
        self.seconds: float = 0
        self._lock = threading.Lock()
        self._timer: threading.Timer | None = None

    def started(self, _info=None) -> None:
        with self._lock:
            self._timer = threading.Timer(self.seconds, self._stop, (threading.get_ident(),))
            self._timer.daemon = True
            self._timer.start()

    def finished(self, _result=None) -> None:
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None

    def _stop(self, thread: int) -> None:
        with self._lock:
            if self._timer is None or self._timer.args[0] != thread:
                return  # the cell finished as the timer fired
            self._timer = None
            ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread), ctypes.py_object(CellTimeout))


_in_process: InProcessKernel | None = None


def in_process_kernel() -> InProcessKernel:
    """This process's one in-process kernel (IPython's shell is one per process), made on first use."""
    global _in_process
    if _in_process is None:
        _in_process = InProcessKernel()
    return _in_process


def _forget_in_process_kernel() -> None:
    """In a forked child (a backfill worker forked by a process that has run a notebook): the parent's
    kernel, and the event-loop threads jupyter_core runs nbclient's calls on, did not survive the fork, so
    the child starts its own rather than wait forever on threads that are not there."""
    global _in_process
    if _in_process is not None:
        _in_process = None
        InteractiveShell.clear_instance()
    jupyter_core.utils._runner_map.clear()
    asyncio.set_event_loop(None)  # the parent's loop shares its epoll instance with the parent


os.register_at_fork(after_in_child=_forget_in_process_kernel)


class EarlyKernel:
    """A separate kernel process, started; hand `manager` to papermill, and shut it down when done."""

    def __init__(self, cwd: Path) -> None:
        from jupyter_client.manager import AsyncKernelManager
        from jupyter_core.utils import run_sync

        self._run_sync = run_sync
        self.manager = AsyncKernelManager(kernel_name=KERNEL_NAME)
        run_sync(self.manager.start_kernel)(extra_arguments=KERNEL_ARGUMENTS + WARM_UP, cwd=str(cwd))

    def alive(self) -> bool:
        """Whether the kernel process is still running (a cell may have killed it)."""
        return bool(self._run_sync(self.manager.is_alive)())

    def shutdown(self) -> None:
        """Stop the kernel (papermill leaves a kernel it did not start running)."""
        self._run_sync(self.manager.shutdown_kernel)(now=True)


_shared: dict[Path, EarlyKernel] = {}


def shared_kernel(cwd: Path) -> EarlyKernel:
    """One separate kernel per process and folder, kept for every month a backfill worker runs: the months then
    pay for a kernel start and the library's import once, not each time. Stopped when the process exits."""
    import multiprocessing.util

    kernel = _shared.get(cwd)
    if kernel is None or not kernel.alive():
        kernel = EarlyKernel(cwd)
        _shared[cwd] = kernel
        multiprocessing.util.Finalize(kernel, kernel.shutdown, exitpriority=10)
    return kernel
