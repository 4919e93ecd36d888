#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <new>
#include <optional>
#include <string>
#include <vector>

#include "config/seed_option.hpp"
#include "sim/cli/commands.hpp"
#include "sim/cli/memory_limit_option.hpp"
#include "sim/network/topology_cache.hpp"
#include "sim/run/run_scenario.hpp"
#include "sim/scenario/loader.hpp"

namespace clocksim::cli {
namespace {

// out/<name> when no --out is given. A name is free text ("Berkeley / TSP"), so it becomes one
// path component: separators turn into '_', and a name that would climb out of out/ ("..") or
// say nothing gives way to the file's stem.
std::string default_folder_name(const std::string& name, const std::string& file) {
  std::string folder = name;
  for (char& ch : folder) {
    if (ch == '/' || ch == '\\' || ch == '\0') ch = '_';
  }
  if (folder.empty() || folder == "." || folder == "..") folder = std::filesystem::path(file).stem().string();
  return folder;
}

struct RunArgs {
  std::string file;
  std::string out_dir;
  std::vector<std::string> sets;
  std::string seed;  // config/seed_option.hpp
  std::string memory_limit;
  bool plot = false;
  bool quiet = false;
};

// Where the analysis scripts are: $CLOCKSIM_ANALYSIS_DIR, else the source tree this binary was
// built from.
std::string analysis_dir() {
  if (const char* env = std::getenv("CLOCKSIM_ANALYSIS_DIR")) return env;
  return std::string(CLOCKSIM_SOURCE_DIR) + "/analysis";
}

// Runs argv[0] with these arguments, no shell in between, and returns its exit status (-1 when it
// could not be started or did not exit). The folder name is data, often the scenario's own
// `name:`: through a shell command line a quote in it would end the quoting and run the rest.
int run_program(const std::vector<std::string>& args, bool silent) {
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  if (silent) {
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  }
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) return -1;
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return -1;
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

void plot(const std::string& out_dir, bool quiet) {
  const std::string script = analysis_dir() + "/plot_offsets.py";
  if (!std::filesystem::exists(script)) {
    std::cerr << "clocksim: --plot: " << script << " not found; no plot made\n";
    return;
  }
  if (run_program({"/usr/bin/python3", "-c", "import matplotlib, pandas"}, true) != 0) {
    std::cerr << "clocksim: --plot: python3 with matplotlib and pandas is not installed "
                 "(apt-get install python3-matplotlib python3-pandas); no plot made\n";
    return;
  }
  if (run_program({"/usr/bin/python3", script, out_dir}, false) != 0) {
    std::cerr << "clocksim: --plot: the plot script failed\n";
  } else if (!quiet) {
    std::cout << "plots written to " << out_dir << "/\n";
  }
}

int do_run(const RunArgs& a) {
  const std::optional<sim::MemoryLimit> limit = apply_memory_limit_option(a.memory_limit, "clocksim");
  if (!limit) return 2;
  sim::TopologyCache topologies;  // a topology file is read once, for the check and the run
  scenario::LoadOptions load;
  load.set_overrides = a.sets;
  load.topologies = &topologies;
  if (const auto seed = config::seed_value(a.seed)) load.set_overrides.push_back("seed=" + std::to_string(*seed));
  scenario::ScenarioSpec spec;
  try {
    spec = scenario::load_scenario_file(a.file, load);
  } catch (const scenario::ScenarioError& e) {
    std::cerr << e.what() << "\n";
    return 2;
  } catch (const std::bad_alloc&) {
    std::cerr << "clocksim: " << a.file << ": " << sim::out_of_memory_message(*limit) << "\n";
    return 2;
  }
  std::string out = a.out_dir;
  if (out.empty()) out = "out/" + default_folder_name(spec.name, a.file);
  sim::RunOptions options;
  options.out_dir = out;
  options.quiet = a.quiet;
  options.progress = ::isatty(STDERR_FILENO) != 0;
  options.topologies = &topologies;
  sim::RunOutcome outcome;
  try {
    if (!a.quiet) std::cout << "running " << a.file << " (seed " << spec.seed << ") -> " << out << "/\n";
    outcome = sim::run_scenario(spec, options, std::cout);
  } catch (const scenario::ScenarioError& e) {
    // Found while building the world (a node's drawn rates): already located in the file.
    std::cerr << e.what() << "\n";
    return 2;
  } catch (const std::bad_alloc&) {
    // The world is gone by now, and with it what it held: there is room for the message.
    std::cerr << "clocksim: " << a.file << ": " << sim::out_of_memory_message(*limit) << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "clocksim: " << a.file << ": " << e.what() << "\n";
    return 2;
  }
  if (!a.quiet) {
    std::cout << (outcome.expectations_passed ? "all expectations hold" : "EXPECTATION FAILED") << "; "
              << outcome.events_processed << " events in " << outcome.wall_time_s << " s\n";
  }
  if (a.plot) plot(out, a.quiet);
  return outcome.expectations_passed ? 0 : 1;
}

}  // namespace

void register_run_command(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<RunArgs>();
  CLI::App* run = app.add_subcommand("run", "Run a scenario and write trace.csv, skew.csv, events, summary.json");
  run->add_option("scenario", args->file, "Scenario YAML file")->required();
  run->add_option("--out,-o", args->out_dir, "Output folder (default out/<scenario name>)")->check(kNonEmptyFolder);
  config::add_seed_option(*run, args->seed, "Override the scenario's seed");
  run->add_option("--set", args->sets, "Override a scalar: key.path=value (repeatable)")->take_all();
  add_memory_limit_option(*run, args->memory_limit);
  run->add_flag("--plot", args->plot, "Draw offsets.png and skew.png with analysis/plot_offsets.py");
  run->add_flag("--quiet,-q", args->quiet, "No progress and no report");
  run->callback([args, &exit_code] { exit_code = do_run(*args); });
}

}  // namespace clocksim::cli
