#!/usr/bin/python3
"""Draws each link's one-way asymmetry from links.csv: a matrix with one cell per direction
(row: sender, column: receiver) coloured by the latency factor 1 + a of that direction (red: the
slow direction, blue: the fast one, white: symmetric or no link), and the distribution of the
drawn asymmetries beside it.

    analysis/plot_links.py out/run [-o links.png]

links.csv is written when the scenario draws its asymmetry per link (`links: {asymmetry:
uniform(-0.5, 0.5)}`) or with `output: {links: true}`. Exit code 2 on a missing or malformed file.
"""
from __future__ import annotations

import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import clocksim_io as cio  # noqa: E402
import plot_common as pc  # noqa: E402

MAX_MATRIX_NODES = 64  # beyond this a cell is under a pixel: the histogram alone is drawn


def make_links_figure(links, title: str = ""):
    nodes = sorted(set(links["a"]) | set(links["b"]), key=pc.natural_key)
    matrix = len(nodes) <= MAX_MATRIX_NODES
    fig, axes = pc.new_figure(1, 2 if matrix else 1, figsize=(12, 5.5) if matrix else (7, 5))
    axes = list(axes.ravel())
    if matrix:
        ax = axes.pop(0)
        index = {n: i for i, n in enumerate(nodes)}
        grid = np.full((len(nodes), len(nodes)), np.nan)
        for a, b, fab, fba in zip(links["a"], links["b"], links["factor_ab"], links["factor_ba"]):
            grid[index[a], index[b]] = fab
            grid[index[b], index[a]] = fba
        span = max(float(np.nanmax(np.abs(grid - 1))) if np.isfinite(grid).any() else 0.0, 1e-9)
        image = ax.imshow(grid, cmap="coolwarm", vmin=1 - span, vmax=1 + span, gid="factors")
        ticks = range(len(nodes))
        step = max(1, len(nodes) // 16)
        ax.set_xticks(list(ticks)[::step], nodes[::step], rotation=90 if len(nodes) > 16 else 0, fontsize=8)
        ax.set_yticks(list(ticks)[::step], nodes[::step], fontsize=8)
        ax.set_xlabel("to")
        ax.set_ylabel("from")
        ax.set_title("latency factor of each direction (1 + a slow, 1 - a fast)", fontsize=10)
        fig.colorbar(image, ax=ax, label="latency factor")
    ax = axes[0]
    values = links["asymmetry"].to_numpy()
    ax.hist(values, bins=min(40, max(5, len(values) // 4)), color="#4c72b0", gid="asymmetry_hist")
    ax.set_xlabel("asymmetry a of a link (its slow direction takes latency x (1 + a))")
    ax.set_ylabel("links")
    ax.set_title(f"{len(values)} links: a from {values.min():+.3f} to {values.max():+.3f}, "
                 f"mean |a| {np.abs(values).mean():.3f}", fontsize=10)
    if title:
        fig.suptitle(pc.plain(title))
    fig.tight_layout()
    return fig


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("outdir", help="a `clocksim run --out` directory with links.csv")
    parser.add_argument("-o", "--output", help="the PNG (default OUTDIR/links.png)")
    args = parser.parse_args(argv)
    links = cio.read_links(args.outdir)
    if links.empty:
        raise cio.FormatError(os.path.join(args.outdir, cio.LINKS_FILE), "no links listed")
    fig = make_links_figure(links, title=os.path.basename(os.path.normpath(args.outdir)))
    path = args.output or os.path.join(args.outdir, "links.png")
    pc.save_png(fig, path)
    print(path)
    return 0


if __name__ == "__main__":
    sys.exit(cio.run_main(main))
