"""Drives headless Chromium for the report test: a screenshot, the DOM after the load event,
and the page's console messages (Chromium prints them to stderr with --enable-logging=stderr)."""
from __future__ import annotations

import os
import re
import shutil
import subprocess

CONSOLE = re.compile(r":CONSOLE[:(]\d*\)?\]\s*(.*)")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run",
         "--disable-default-apps", "--disable-extensions", "--mute-audio", "--hide-scrollbars",
         "--enable-logging=stderr", "--v=0"]


def find_chromium() -> str | None:
    env = os.environ.get("CLOCKSIM_CHROMIUM")
    if env:
        return env if os.path.exists(env) else None
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


def run(chromium: str, profile_dir: str, url: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([chromium, *FLAGS, f"--user-data-dir={profile_dir}", *args, url],
                          capture_output=True, text=True, timeout=120)


def console_messages(stderr: str) -> list[str]:
    """Every console message and uncaught exception the page produced. The report writes
    nothing to the console, so any message at all is a failure."""
    return [m.group(1) for m in map(CONSOLE.search, stderr.splitlines()) if m]
