"""A Jupyter kernel started before it is needed: it boots on the second core while the runner reads the
extracts and computes the figures, and papermill then finds it started."""

from pathlib import Path

#: The kernel's own log stays quiet but for errors (ipykernel warns about local TCP on every start).
KERNEL_ARGUMENTS = ["--IPKernelApp.log_level=ERROR"]
#: Imported as the kernel starts, before it answers: the import (a second or so) then overlaps the runner's
#: reading of the extracts instead of delaying the notebook's first cell.
WARM_UP = ["--IPKernelApp.exec_lines=import icnreport.appendix"]
KERNEL_NAME = "python3"


class EarlyKernel:
    """A started kernel; hand `manager` to papermill, and shut it down when done."""

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
    """One kernel per process and folder, kept for every month a backfill worker runs: the months then pay
    for a kernel start and the library's import once, not each time. Stopped when the process exits."""
    import multiprocessing.util

    kernel = _shared.get(cwd)
    if kernel is None or not kernel.alive():
        kernel = EarlyKernel(cwd)
        _shared[cwd] = kernel
        multiprocessing.util.Finalize(kernel, kernel.shutdown, exitpriority=10)
    return kernel
