// `clocksim sweep SWEEP.yaml --out DIR [--jobs N] [--quiet] [--dry-run]`: runs every
// combination of a sweep file (docs/sweeps.md) on a thread pool, one folder per run plus
// sweep.csv, resuming an interrupted sweep. Exit codes: 0 all runs done, 1 some run failed,
// 2 a user error in the sweep file or in a combination it makes.
#pragma once

#include <CLI/CLI.hpp>

namespace clocksim::cli {

void register_sweep_command(CLI::App& app, int& exit_code);

}  // namespace clocksim::cli
