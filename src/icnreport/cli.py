"""The `icnreport` command line. User errors end with one line on standard error and a non-zero exit."""

import argparse
import sys
from pathlib import Path

from icnreport.errors import IcnReportError, StrictModeError

EXIT_OK = 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="icnreport", description="ICN committee appendix: figures and reports."
    )
    commands = parser.add_subparsers(dest="command", required=True)

    figures = commands.add_parser("figures", help="print one period's figures as JSON; renders nothing")
    _params_and_period(figures)

    synth = commands.add_parser(
        "synth", help="write a deterministic synthetic extract (no real person's data)"
    )
    synth.add_argument(
        "--out", type=Path, default=Path("data/demo"), help="folder to write (default data/demo)"
    )
    synth.add_argument("--people", type=int, help="write a scale extract of N people, with its params.yaml")
    synth.add_argument("--seed", type=int, default=1, help="seed for a scale extract (default 1)")
    return parser


def _params_and_period(command: argparse.ArgumentParser) -> None:
    command.add_argument("--params", required=True, type=Path, help="params YAML file")
    command.add_argument("--period", required=True, help="reporting month YYYY-MM, or 'latest'")
    command.add_argument("--strict", action="store_true", help="fail if any input row is quarantined")


def _figures(args: argparse.Namespace) -> int:
    from icnreport.figures import figures_for
    from icnreport.params import load_params
    from icnreport.period import parse_period

    params = load_params(args.params)
    period = parse_period(args.period)
    figures = figures_for(params, period)
    _check_strict(figures.quarantined, args.strict or params.strict)
    print(figures.to_json())
    return EXIT_OK


def _check_strict(quarantined: dict[str, int], strict: bool) -> None:
    total = sum(quarantined.values())
    if strict and total:
        reasons = ", ".join(f"{reason}: {count}" for reason, count in quarantined.items())
        raise StrictModeError(f"strict mode: {total} input rows quarantined ({reasons})")


def _synth(args: argparse.Namespace) -> int:
    from icnreport import synth

    if args.people is None:
        written = synth.write_demo(args.out)
    else:
        if args.people < 1:
            raise IcnReportError("--people must be at least 1")
        written = synth.write_scale(args.out, args.people, args.seed)
    for path in written:
        print(path)
    return EXIT_OK


COMMANDS = {"figures": _figures, "synth": _synth}


def main(argv: list[str] | None = None) -> int:
    """Run one command; return its exit status."""
    args = _parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except IcnReportError as error:
        print(f"icnreport: error: {error}", file=sys.stderr)
        return error.exit_status
    except OSError as error:
        print(
            f"icnreport: error: {error.strerror or error}: {error.filename or ''}".rstrip(": "),
            file=sys.stderr,
        )
        return IcnReportError.exit_status
    except KeyboardInterrupt:
        print("icnreport: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
