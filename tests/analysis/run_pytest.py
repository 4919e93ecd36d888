#!/usr/bin/python3
"""CTest entry for the analysis tests: runs pytest on the given files, or exits 77 (CTest's
SKIP_RETURN_CODE) with a reason when a prerequisite is missing, so a developer without the
Python stack or Chromium sees "skipped" rather than a failure.

    run_pytest.py [--needs-chromium] [--needs-binary] -- <pytest args>
"""
import importlib.util
import os
import sys

SKIP = 77


def main(argv):
    needs_chromium = "--needs-chromium" in argv
    needs_binary = "--needs-binary" in argv
    args = argv[argv.index("--") + 1:] if "--" in argv else argv
    missing = [m for m in ("pytest", "matplotlib", "numpy", "pandas")
               if importlib.util.find_spec(m) is None]
    if missing:
        print(f"skipped: {sys.executable} lacks {', '.join(missing)} "
              "(Debian: python3-pytest python3-matplotlib python3-numpy python3-pandas)")
        return SKIP
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    if needs_chromium:
        import browser
        if browser.find_chromium() is None:
            print("skipped: chromium not found (Debian package chromium; "
                  "CLOCKSIM_WITH_BROWSER=1 scripts/install-deps.sh installs it)")
            return SKIP
    if needs_binary and not os.path.exists(os.environ.get("CLOCKSIM_BINARY") or "/nonexistent"):
        print("skipped: the clocksim binary is not built (CLOCKSIM_BINARY unset)")
        return SKIP
    import pytest
    return pytest.main(["-p", "no:cacheprovider", "-q", "-rs", *args])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
