"""One benchmark phase in a fresh process, for benchmarks/run.py: read the extracts (`--phase read`), or read
them and compute the figures (`--phase figures`). Prints one line of JSON: its own `time.perf_counter()`
timings (imports excluded) and its peak resident memory (`ru_maxrss`, KiB on Linux) after each step."""

import argparse
import hashlib
import json
import resource
import time


def peak_kib() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--params", required=True)
    parser.add_argument("--period", required=True)
    parser.add_argument("--phase", required=True, choices=("read", "figures"))
    args = parser.parse_args()

    started = time.perf_counter()
    from icnreport.extracts import read_extracts
    from icnreport.figures import compute_figures
    from icnreport.params import load_params
    from icnreport.period import parse_period

    result: dict = {"phase": args.phase, "import_s": time.perf_counter() - started, "peak_after_import_kib": peak_kib()}
    params = load_params(args.params)
    period = parse_period(args.period)

    started = time.perf_counter()
    referrals, asc = read_extracts(params)
    result["read_s"] = time.perf_counter() - started
    result["peak_after_read_kib"] = peak_kib()
    result["rows"] = {"referrals": len(referrals.rows), "asc": len(asc.rows)}

    if args.phase == "figures":
        started = time.perf_counter()
        figures = compute_figures(referrals, asc, params, period)
        result["compute_s"] = time.perf_counter() - started
        result["figures_sha256"] = hashlib.sha256(figures.to_json().encode("utf-8")).hexdigest()
        result["people"] = figures.people
        result["tracked"] = figures.tracked
    result["peak_rss_kib"] = peak_kib()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
