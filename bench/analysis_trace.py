#!/usr/bin/python3
"""Times the analysis scripts on a large run: generates a run folder with a 10^6-row trace
(100 nodes x 10^4 ticks, in the documented format) and prints the seconds spent reading the
files, drawing offsets.png and skew.png, and building report.html. Not a test: timings depend
on the machine.

    bench/analysis_trace.py [--nodes 100] [--ticks 10000] [--keep DIR]
"""
import argparse
import os
import shutil
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
sys.path[:0] = [os.path.join(ROOT, "analysis"), os.path.join(ROOT, "tests", "analysis")]

import clocksim_io as cio  # noqa: E402
import fixture_run  # noqa: E402
import plot_common as pc  # noqa: E402
import plot_offsets  # noqa: E402
import report  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--nodes", type=int, default=100)
    parser.add_argument("--ticks", type=int, default=10_000)
    parser.add_argument("--keep", help="write the run here and keep it")
    args = parser.parse_args()
    outdir = args.keep or tempfile.mkdtemp(prefix="clocksim-bench-")
    try:
        t0 = time.perf_counter()
        fixture_run.generate_run(outdir, nodes=args.nodes, ticks=args.ticks, tick_ms=10)
        t1 = time.perf_counter()
        run = cio.load_run(outdir, required=("trace", "skew", "events", "events_log"), optional=())
        t2 = time.perf_counter()
        pc.save_png(plot_offsets.make_offsets_figure(run), os.path.join(outdir, "offsets.png"))
        t3 = time.perf_counter()
        pc.save_png(plot_offsets.make_skew_figure(run), os.path.join(outdir, "skew.png"))
        t4 = time.perf_counter()
        report.write_atomically(os.path.join(outdir, "report.html"), report.build_report(run))
        t5 = time.perf_counter()
        rows = len(run.trace)
        print(f"trace rows           {rows}")
        print(f"generate fixture     {t1 - t0:7.2f} s")
        print(f"read all files       {t2 - t1:7.2f} s")
        print(f"offsets.png          {t3 - t2:7.2f} s")
        print(f"skew.png             {t4 - t3:7.2f} s")
        print(f"report.html          {t5 - t4:7.2f} s")
        print(f"read + both plots    {t4 - t1:7.2f} s")
    finally:
        if not args.keep:
            shutil.rmtree(outdir, ignore_errors=True)


if __name__ == "__main__":
    main()
