#include "sim/cli/sweep_command.hpp"

#include <unistd.h>

#include <iostream>
#include <memory>
#include <new>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>

#include "algorithms/core/c_locale_stream.hpp"
#include "sim/cli/commands.hpp"
#include "sim/cli/memory_limit_option.hpp"
#include "sim/network/topology_cache.hpp"
#include "sim/run/run_scenario.hpp"
#include "sim/scenario/error.hpp"
#include "sim/scenario/loader.hpp"
#include "sim/sweep/mpi_sweep.hpp"
#include "sim/sweep/sweep_plan.hpp"
#include "sim/sweep/sweep_run_scenario.hpp"
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
  std::string shard;  // "i/K"
  bool merge = false;
  bool mpi = false;
  bool traces = false;
  std::string memory_limit;
};

int sweep_main(const SweepArgs& args) {
  const std::optional<sim::MemoryLimit> limit = apply_memory_limit_option(args.memory_limit, "clocksim sweep");
  if (!limit) return 2;
  sim::TopologyCache topologies;  // a topology file is read once for the whole sweep
  sweep::SweepSpec spec;
  std::vector<sweep::PlannedRun> runs;
  try {
    spec = sweep::load_sweep_file(args.file);
    if (args.traces) spec.traces = true;
    runs = sweep::plan_sweep(spec);
    // Every combination is validated before anything runs, so a bad value fails in a second,
    // not after an hour of runs. The specs are rebuilt in the workers (cheap; keeps memory flat).
    for (const sweep::PlannedRun& run : runs) {
      try {
        sweep::note_input_files(spec, sweep::load_run_scenario(spec, run, topologies));
      } catch (const scenario::ScenarioError& e) {
        std::cerr << sweep::describe_run_error(spec, run, e) << '\n';
        return 2;
      }
    }
  } catch (const sweep::SweepError& e) {
    std::cerr << e.what() << '\n';
    return 2;
  }
  std::optional<sweep::Shard> shard = sweep::Shard{};
  if (!args.shard.empty()) {
    shard = sweep::parse_shard(args.shard);
    if (!shard) {
      std::cerr << "clocksim sweep: --shard " << args.shard << ": expected i/K with 0 <= i < K (e.g. 0/4)\n";
      return 2;
    }
  }
  if ((args.merge ? 1 : 0) + (args.mpi ? 1 : 0) + (args.shard.empty() ? 0 : 1) + (args.dry_run ? 1 : 0) > 1) {
    std::cerr << "clocksim sweep: --shard, --mpi, --merge and --dry-run exclude one another\n";
    return 2;
  }
  if (args.mpi && args.jobs > 1) {
    std::cerr << "clocksim sweep: with --mpi every rank runs one simulation at a time; start one rank per "
                 "core (mpirun -np K) instead of --jobs\n";
    return 2;
  }
  if (args.merge) {
    sweep::SweepReport merged;
    try {
      merged = sweep::merge_sweep(spec, runs, args.out_dir);
    } catch (const sweep::SweepBusy& e) {
      std::cerr << "clocksim sweep: " << e.what() << '\n';
      return 2;
    } catch (const sweep::SweepFolderError& e) {
      std::cerr << "clocksim sweep: " << e.what() << '\n';
      return 2;
    } catch (const std::exception& e) {
      std::cerr << "clocksim sweep: " << e.what() << '\n';
      return 1;
    }
    for (const std::string& failure : merged.failures) std::cerr << "failed: " << failure << '\n';
    for (const std::string& folder : merged.missing) std::cerr << "not done: " << folder << '\n';
    if (!args.quiet) {
      std::cout << "sweep " << spec.name << ": " << merged.total << " runs, " << merged.resumed << " done, "
                << merged.missing.size() << " not done, " << merged.failures.size()
                << " unreadable; table: " << args.out_dir << "/sweep.csv\n";
    }
    return merged.missing.empty() && merged.failures.empty() ? 0 : 1;
  }
  if (args.dry_run) {
    for (const sweep::PlannedRun& run : runs) std::cout << sweep::equivalent_run_command(spec, run, args.out_dir) << '\n';
    return 0;
  }

  const bool progress = !args.quiet && ::isatty(STDERR_FILENO) != 0;
  const sweep::RunFunction run_one = [&spec, &topologies, &limit](const sweep::PlannedRun& run, const std::string& run_dir) {
    sim::RunOptions options;
    options.topologies = &topologies;
    options.out_dir = run_dir;
    options.progress = false;  // one line for the whole sweep instead
    options.quiet = true;
    CLocaleStream report;  // expectation results are in summary.json and sweep.csv
    try {
      sim::run_scenario(sweep::load_run_scenario(spec, run, topologies), options, report);
    } catch (const std::bad_alloc&) {
      // The limit is the process's: runs in parallel share it (fewer --jobs leave each more).
      throw std::runtime_error(sim::out_of_memory_message(*limit));
    }
  };
  sweep::SweepReport report;
  const sweep::SweepOptions options{args.out_dir, args.jobs, progress, *shard, limit->bytes};
  try {
    if (args.mpi) {
      sweep::MpiSweepResult result = sweep::run_sweep_mpi(spec, runs, options, run_one, std::cerr);
      if (!result.root) return 0;  // rank 0 reports for the whole sweep
      report = std::move(result.report);
      if (!args.quiet) {
        std::cout << "runs per rank:";
        for (std::size_t r = 0; r < result.runs_per_rank.size(); ++r) std::cout << ' ' << r << '=' << result.runs_per_rank[r];
        std::cout << '\n';
      }
    } else {
      report = sweep::run_sweep(spec, runs, options, run_one, std::cerr);
    }
  } catch (const sweep::SweepBusy& e) {
    std::cerr << "clocksim sweep: " << e.what() << '\n';
    return 2;
  } catch (const sweep::SweepFolderError& e) {
    std::cerr << "clocksim sweep: " << e.what() << '\n';
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "clocksim sweep: " << e.what() << '\n';
    return args.mpi && !sweep::mpi_built_in() ? 2 : 1;
  }
  for (const std::string& failure : report.failures) std::cerr << "failed: " << failure << '\n';
  if (!args.quiet) {
    std::cout << "sweep " << spec.name << ": " << report.total << " runs (" << report.ran << " run now, "
              << report.resumed << " already done, " << report.failures.size() << " did not complete); expectations: "
              << report.runs_expects_failed << " run(s) with one not met, " << report.runs_expects_not_evaluated
              << " run(s) with one that could not be evaluated (see expects_not_evaluated, bound_note)";
    if (shard->whole()) {
      std::cout << "; table: " << args.out_dir << "/sweep.csv\n";
    } else {
      std::cout << " in shard " << shard->index << "/" << shard->count << "; once every shard is done: clocksim sweep "
                << args.file << " --out " << args.out_dir << " --merge\n";
    }
  }
  return report.failures.empty() ? 0 : 1;
}

}  // namespace

void register_sweep_command(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<SweepArgs>();
  CLI::App* cmd = app.add_subcommand("sweep", "Run every combination of a sweep file (docs/sweeps.md)");
  cmd->add_option("sweep", args->file, "Sweep file (YAML)")->required()->check(CLI::ExistingFile);
  cmd->add_option("--out,-o", args->out_dir, "Output folder: one folder per run plus sweep.csv")
      ->required()
      ->check(kNonEmptyFolder);
  cmd->add_option("--jobs,-j", args->jobs, "Runs in parallel (default: all cores; at most 1024)")
      ->check(CLI::Range(0u, sweep::kMaxSweepJobs));
  cmd->add_flag("--quiet,-q", args->quiet, "No progress line and no closing summary");
  cmd->add_flag("--traces", args->traces,
                "Keep trace.csv in every run folder (default: off, like `traces: false` in the sweep file)");
  cmd->add_flag("--dry-run", args->dry_run, "Print the equivalent `clocksim run` commands and stop");
  cmd->add_option("--shard", args->shard,
                   "Run only part i of K (i/K, 0 <= i < K: the runs whose index is i mod K), e.g. a batch "
                   "array task; writes no sweep.csv: --merge does once all parts are done");
  cmd->add_flag("--merge", args->merge,
                "Run nothing: write sweep.csv from the finished run folders and list the runs not done (exit 1)");
  cmd->add_flag("--mpi", args->mpi,
                "Spread the runs over the ranks of `mpirun -np K` (one at a time per rank; --out on a file "
                "system every rank shares)");
  add_memory_limit_option(*cmd, args->memory_limit);
  cmd->callback([args, &exit_code] { exit_code = sweep_main(*args); });
}

}  // namespace clocksim::cli
