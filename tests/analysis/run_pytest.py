#!/usr/bin/python3
"""CTest entry for the analysis tests: runs pytest on the given files. A missing prerequisite is
a failure that names what to install (scripts/install-deps.sh installs all of them), never a
skip.

    run_pytest.py [--needs-chromium] [--needs-binary] -- <pytest args>
"""
import importlib.util
import os
import sys


def main(argv):
    needs_chromium = "--needs-chromium" in argv
    needs_binary = "--needs-binary" in argv
    args = argv[argv.index("--") + 1:] if "--" in argv else argv
    missing = [m for m in ("pytest", "matplotlib", "numpy", "pandas")
               if importlib.util.find_spec(m) is None]
    if missing:
        print(f"FAILED: {sys.executable} lacks {', '.join(missing)}: install the Debian packages "
              "python3-pytest python3-matplotlib python3-numpy python3-pandas (scripts/install-deps.sh)")
        return 1
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    if needs_chromium:
        import browser
        if browser.find_chromium() is None:
            print("FAILED: chromium not found: install the Debian package chromium "
                  "(scripts/install-deps.sh), or point CLOCKSIM_CHROMIUM at a Chromium binary")
            return 1
    if needs_binary and not os.path.exists(os.environ.get("CLOCKSIM_BINARY") or "/nonexistent"):
        print("FAILED: the clocksim binary is not built (CLOCKSIM_BINARY unset or missing): "
              "cmake --build --preset ci")
        return 1
    import pytest
    return pytest.main(["-p", "no:cacheprovider", "-q", "-rs", *args])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
