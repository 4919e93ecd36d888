"""analysis/plot_links.py: each link's drawn asymmetry, per direction and as a distribution."""
from __future__ import annotations

import numpy as np

import clocksim_io as cio
import plot_links
from conftest import png_size, run_script


def write_links(outdir) -> None:
    # n0 -- n1 slow from n0 (a = 0.4), n0 -- n2 slow from n2 (a = -0.2), n1 -- n2 symmetric.
    (outdir / "links.csv").write_text(
        "a,b,asymmetry,factor_ab,factor_ba\n"
        "n0,n1,0.4,1.4,0.6\n"
        "n0,n2,-0.2,0.8,1.2\n"
        "n1,n2,0,1,1\n")


def test_matrix_has_each_direction_and_histogram_every_link(tmp_path):
    write_links(tmp_path)
    fig = plot_links.make_links_figure(cio.read_links(str(tmp_path)))
    matrix, hist = fig.axes[0], fig.axes[1]
    grid = matrix.get_images()[0].get_array()
    assert grid[0, 1] == 1.4 and grid[1, 0] == 0.6  # row: sender, column: receiver
    assert grid[2, 0] == 1.2 and grid[0, 2] == 0.8
    assert grid[1, 2] == 1.0 and np.ma.is_masked(grid[0, 0]) or np.isnan(grid[0, 0])
    # The colour scale is centred on 1 (symmetric) and spans the largest |a|.
    assert matrix.get_images()[0].get_clim() == (0.6, 1.4)
    bars = [p for p in hist.patches]
    assert sum(p.get_height() for p in bars) == 3
    assert "3 links: a from -0.200 to +0.400" in hist.get_title()


def test_cli_writes_png_and_rejects_out_of_range(tmp_path):
    write_links(tmp_path)
    r = run_script("plot_links.py", str(tmp_path))
    assert r.returncode == 0, r.stderr
    w, h = png_size(str(tmp_path / "links.png"))
    assert w > 800 and h > 300
    (tmp_path / "links.csv").write_text("a,b,asymmetry,factor_ab,factor_ba\nn0,n1,1.5,2.5,-0.5\n")
    bad = run_script("plot_links.py", str(tmp_path))
    assert bad.returncode == 2 and "line 2: column asymmetry: 1.5 is outside [-1, 1]" in bad.stderr
