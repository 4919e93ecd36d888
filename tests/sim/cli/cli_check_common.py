"""What the CLI checks under tests/sim/cli share: a scenario that would run for hours, a sweep
file over it, and waiting with a deadline."""
import sys
import time


def endless_scenario(tick, nodes):
    """A Berkeley run of 100,000 simulated seconds: only an interruption or an error ends it
    within a test's timeout."""
    return (f"name: endless\nseed: 1\nduration: 100000s\ntick: {tick}\nnodes: {nodes}\n"
            "algorithm:\n  sync: {kind: berkeley, period: 1s}\n")


def sweep_over(base, name, duration, nodes):
    """A sweep of `base` (a file name beside the sweep file) over four node counts from `nodes`."""
    counts = ", ".join(str(nodes + k) for k in range(4))
    return f"name: {name}\nbase: {base}\nset: {{duration: {duration}}}\nmatrix:\n  nodes: [{counts}]\nseeds: [1]\n"


def fail(message):
    sys.exit("FAIL: " + message)


def wait_for(predicate, what, timeout_s=60):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    fail("timed out waiting for " + what)
