"""Errors a user can cause. Each is printed as one line at the command line, never as a traceback."""


class IcnReportError(Exception):
    """Base class for faults a user can cause and fix; carries the one-line message and an exit status."""

    exit_status = 2


class ParamsError(IcnReportError):
    """A params file that cannot be used: missing, not YAML, an unknown key, a missing key, a wrong value."""


class InputError(IcnReportError):
    """An extract that cannot be used as a whole: missing, unreadable, empty, or lacking a required column."""


class PeriodError(IcnReportError):
    """A reporting period that is not YYYY-MM, or lies before the programme start."""


class StrictModeError(IcnReportError):
    """Strict mode is on and at least one input row was quarantined."""

    exit_status = 3
