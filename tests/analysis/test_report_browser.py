"""report.html in a real browser (headless Chromium): the plots decode, the timeline is drawn,
and the page logs nothing to the console (CTest label "browser"). Fails naming the package when
Chromium is not installed (scripts/install-deps.sh installs it)."""
from __future__ import annotations

import os
import re

import pytest

import browser
from conftest import run_script

CHROMIUM = browser.find_chromium()
if CHROMIUM is None:
    pytest.fail("chromium not found: install the Debian package chromium (scripts/install-deps.sh)",
                pytrace=False)


@pytest.fixture(scope="module")
def report(shared_run_dir):
    result = run_script("report.py", shared_run_dir)
    assert result.returncode == 0, result.stderr
    return os.path.join(shared_run_dir, "report.html")


def _attr(dom: str, name: str) -> str | None:
    body = re.search(r"<body[^>]*>", dom).group(0)
    m = re.search(rf'{name}="([^"]*)"', body)
    return m.group(1) if m else None


def test_screenshot_shows_the_page(report, tmp_path):
    shot = tmp_path / "report.png"
    result = browser.run(CHROMIUM, str(tmp_path / "profile"), f"file://{report}",
                         "--window-size=1280,2400", f"--screenshot={shot}")
    assert result.returncode == 0, result.stderr[-2000:]
    import matplotlib.image
    pixels = matplotlib.image.imread(str(shot))
    assert pixels.shape[:2] == (2400, 1280)
    non_white = (pixels[..., :3] < 0.95).any(axis=2).mean()
    assert non_white > 0.05  # plots and text, not a blank page
    # The plot area (below the summary) holds colour, i.e. the images were painted.
    colourful = (pixels[..., :3].max(axis=2) - pixels[..., :3].min(axis=2) > 0.2).mean()
    assert colourful > 0.005
    assert browser.console_messages(result.stderr) == []


def test_dom_reports_plots_and_timeline_rendered(report, shared_run_dir, tmp_path):
    result = browser.run(CHROMIUM, str(tmp_path / "profile"), f"file://{report}", "--dump-dom")
    assert result.returncode == 0, result.stderr[-2000:]
    dom = result.stdout
    assert _attr(dom, "data-rendered") == "1"
    assert _attr(dom, "data-images-total") == "2" and _attr(dom, "data-images-ok") == "2"
    assert re.findall(r'data-natural-width="(\d+)"', dom) == ["1200", "1200"]
    with open(os.path.join(shared_run_dir, "events.csv")) as f:
        n_events = len(f.readlines()) - 1
    assert int(_attr(dom, "data-timeline-marks")) == n_events + 3  # + 3 interval bars
    assert browser.console_messages(result.stderr) == []


def test_checks_catch_a_broken_page(report, tmp_path):
    """The same checks fail on a page with a corrupt plot and a script error."""
    with open(report, encoding="utf-8") as f:
        text = f.read()
    text = re.sub(r"data:image/png;base64,[A-Za-z0-9+/=]+", "data:image/png;base64,AAAA", text,
                  count=1)
    text = text.replace("<body>", "<body><script>console.error('deliberate');</script>", 1)
    broken = tmp_path / "broken.html"
    broken.write_text(text, encoding="utf-8")
    result = browser.run(CHROMIUM, str(tmp_path / "profile"), f"file://{broken}", "--dump-dom")
    dom = result.stdout
    assert _attr(dom, "data-images-ok") == "1" and _attr(dom, "data-images-total") == "2"
    assert 'data-loaded="0"' in dom
    assert "Could not display: clock offsets" in dom
    assert any("deliberate" in m for m in browser.console_messages(result.stderr))
