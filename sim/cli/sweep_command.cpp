#include "sim/cli/sweep_command.hpp"

#include <unistd.h>

#include <iostream>
#include <memory>
#include <sstream>
#include <string>

#include "sim/cli/commands.hpp"
#include "sim/run/run_scenario.hpp"
#include "sim/scenario/error.hpp"
#include "sim/scenario/loader.hpp"
#include "sim/sweep/sweep_plan.hpp"
#include "sim/sweep/sweep_runner.hpp"
#include "sim/sweep/sweep_spec.hpp"

namespace clocksim::cli {
namespace {

struct SweepArgs {
  std::string file;
  std::string out_dir;
  unsigned jobs = 0;
  bool quiet = false;
  bool dry_run = false;
};

scenario::ScenarioSpec load_run_spec(const sweep::SweepSpec& spec, const sweep::PlannedRun& run) {
  scenario::LoadOptions options;
  options.set_overrides = run.overrides;
  return scenario::load_scenario_file(spec.base_scenario, options);
}

int sweep_main(const SweepArgs& args) {
  sweep::SweepSpec spec;
  std::vector<sweep::PlannedRun> runs;
  try {
    spec = sweep::load_sweep_file(args.file);
    runs = sweep::plan_sweep(spec);
    // Every combination is validated before anything runs, so a bad value fails in a second,
    // not after an hour of runs. The specs are rebuilt in the workers (cheap; keeps memory flat).
    for (const sweep::PlannedRun& run : runs) {
      try {
        load_run_spec(spec, run);
      } catch (const scenario::ScenarioError& e) {
        std::cerr << args.file << ": run " << run.folder << ": " << e.what() << '\n';
        return 2;
      }
    }
  } catch (const sweep::SweepError& e) {
    std::cerr << e.what() << '\n';
    return 2;
  }
  if (args.dry_run) {
    for (const sweep::PlannedRun& run : runs) std::cout << sweep::equivalent_run_command(spec, run, args.out_dir) << '\n';
    return 0;
  }

  const bool progress = !args.quiet && ::isatty(STDERR_FILENO) != 0;
  const sweep::RunFunction run_one = [&spec](const sweep::PlannedRun& run, const std::string& run_dir) {
    sim::RunOptions options;
    options.out_dir = run_dir;
    options.progress = false;  // one line for the whole sweep instead
    options.quiet = true;
    std::ostringstream report;  // expectation results are in summary.json and sweep.csv
    sim::run_scenario(load_run_spec(spec, run), options, report);
  };
  sweep::SweepReport report;
  try {
    report = sweep::run_sweep(spec, runs, {args.out_dir, args.jobs, progress}, run_one, std::cerr);
  } catch (const std::exception& e) {
    std::cerr << "clocksim sweep: " << e.what() << '\n';
    return 1;
  }
  for (const std::string& failure : report.failures) std::cerr << "failed: " << failure << '\n';
  if (!args.quiet) {
    std::cout << "sweep " << spec.name << ": " << report.total << " runs (" << report.ran << " run now, "
              << report.resumed << " already done, " << report.failures.size() << " failed); table: "
              << args.out_dir << "/sweep.csv\n";
  }
  return report.failures.empty() ? 0 : 1;
}

}  // namespace

void register_sweep_command(CLI::App& app) {
  auto args = std::make_shared<SweepArgs>();
  CLI::App* cmd = app.add_subcommand("sweep", "Run every combination of a sweep file (docs/sweeps.md)");
  cmd->add_option("sweep", args->file, "Sweep file (YAML)")->required()->check(CLI::ExistingFile);
  cmd->add_option("--out,-o", args->out_dir, "Output folder: one folder per run plus sweep.csv")->required();
  cmd->add_option("--jobs,-j", args->jobs, "Runs in parallel (default: all cores)")->check(CLI::NonNegativeNumber);
  cmd->add_flag("--quiet,-q", args->quiet, "No progress line and no closing summary");
  cmd->add_flag("--dry-run", args->dry_run, "Print the equivalent `clocksim run` commands and stop");
  cmd->callback([args] { set_exit_code(sweep_main(*args)); });
}

}  // namespace clocksim::cli
