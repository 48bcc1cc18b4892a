"""The `icnreport` command line. User errors end with one line on standard error and a non-zero exit."""

import argparse
import gc
import multiprocessing
import os
import sys
import time
from pathlib import Path

from icnreport.errors import IcnReportError

EXIT_OK = 0
#: How many new objects the garbage collector lets pass before it looks at the young ones, in `run`. At
#: Python 3.11's 700, every hundredth look is a full collection of everything the notebook, its charts and
#: WeasyPrint have made (about 85 ms, twice a month in a backfill); at 10,000 a 12-month backfill makes
#: none, and the collector's time a month halves, for 10-20 MB more memory. Python 3.13 raised the default
#: to 2,000 for the same reason. A run is a short process of our own; `figures` makes few such objects.
RUN_GC_THRESHOLD = 10_000


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="icnreport", description="ICN committee appendix: figures and reports.")
    commands = parser.add_subparsers(dest="command", required=True)

    figures = commands.add_parser("figures", help="print one period's figures as JSON; renders nothing")
    _params_and_period(figures)

    run = commands.add_parser("run", help="run the appendix notebook for a period and render HTML and PDF")
    run.add_argument("--params", required=True, type=Path, help="params YAML file")
    when = run.add_mutually_exclusive_group(required=True)
    when.add_argument("--period", help="reporting month YYYY-MM, or 'latest' (the last complete month)")
    when.add_argument("--from", dest="first", help="first month of a range YYYY-MM (with --to)")
    run.add_argument("--to", dest="last", help="last month of a range YYYY-MM")
    run.add_argument("--output-dir", type=Path, default=Path("output"), help="output folder (default output/)")
    run.add_argument("--strict", action="store_true", help="fail if any input row is quarantined")
    run.add_argument("--notebook", type=Path, help="an appendix notebook other than notebooks/appendix.ipynb")
    run.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="months run at once (default: cores)")
    run.add_argument(
        "--isolated",
        action="store_true",
        help="run the notebook in a separate Jupyter kernel process (slower; a crashing cell cannot stop the run)",
    )

    synth = commands.add_parser("synth", help="write a deterministic synthetic extract (no real person's data)")
    synth.add_argument("--out", type=Path, default=Path("data/demo"), help="folder to write (default data/demo)")
    synth.add_argument("--people", type=int, help="write a scale extract of N people, with its params.yaml")
    synth.add_argument("--seed", type=int, default=1, help="seed for a scale extract (default 1)")
    return parser


def _params_and_period(command: argparse.ArgumentParser) -> None:
    command.add_argument("--params", required=True, type=Path, help="params YAML file")
    command.add_argument("--period", required=True, help="reporting month YYYY-MM, or 'latest'")
    command.add_argument("--strict", action="store_true", help="fail if any input row is quarantined")


def _figures(args: argparse.Namespace) -> int:
    from icnreport.extracts import check_strict
    from icnreport.figures import figures_for
    from icnreport.params import load_params
    from icnreport.period import parse_period

    params = load_params(args.params)
    period = parse_period(args.period)
    figures = figures_for(params, period)
    check_strict(figures.quarantined, args.strict or params.strict)
    print(figures.to_json())
    return EXIT_OK


def _run(args: argparse.Namespace) -> int:
    from icnreport.period import months_between, parse_period

    gc.set_threshold(RUN_GC_THRESHOLD, *gc.get_threshold()[1:])
    if args.first:
        if not args.last:
            raise IcnReportError("--from needs --to")
        periods = months_between(parse_period(args.first), parse_period(args.last))
    else:
        if args.last:
            raise IcnReportError("--to goes with --from, not --period")
        periods = [parse_period(args.period)]
    if len(periods) == 1:
        result = _run_one(args, periods[0])
        print(f"{periods[0]}: {result.public_pdf}  ({result.timings['total']:.1f} s)")
        return EXIT_OK
    return _run_many(args, periods)


def _run_one(args: argparse.Namespace, period, backfill_worker: bool = False):
    from icnreport.runner import DEFAULT_NOTEBOOK, run_period

    notebook = args.notebook or DEFAULT_NOTEBOOK
    return run_period(
        args.params,
        period,
        args.output_dir,
        strict=args.strict,
        notebook=notebook,
        isolated=args.isolated,
        backfill_worker=backfill_worker,
    )


def _run_many(args: argparse.Namespace, periods: list) -> int:
    """Each month of a range, several at once; a month that fails is reported and the rest go on."""
    from concurrent.futures import ProcessPoolExecutor, as_completed

    from icnreport.runner import preload

    started, failed = time.perf_counter(), 0
    workers = max(1, min(args.jobs, len(periods)))
    if "fork" in multiprocessing.get_all_start_methods():
        preload()  # once here, not once in each worker
        context = multiprocessing.get_context("fork")
    else:
        context = None
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        # Each worker runs its months one after another, each month's two appendices in turn.
        futures = {pool.submit(_run_one, args, period, True): period for period in periods}
        for done, future in enumerate(as_completed(futures), start=1):
            period = futures[future]
            try:
                result = future.result()
                print(f"[{done}/{len(periods)}] {period}: {result.public_pdf}", flush=True)
            except IcnReportError as error:
                failed += 1
                print(f"[{done}/{len(periods)}] {period}: error: {error}", file=sys.stderr, flush=True)
    print(f"{len(periods) - failed} of {len(periods)} months done in {time.perf_counter() - started:.1f} s")
    return EXIT_OK if not failed else IcnReportError.exit_status


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


COMMANDS = {"figures": _figures, "run": _run, "synth": _synth}


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
