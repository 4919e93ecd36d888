// Loads a scenario given as text, runs it in memory and prints the worst skew: the engine, the
// scenario loader and the algorithms, used from outside through find_package(clocksim).
#include <iostream>
#include <sstream>

#include "algorithms/core/time.hpp"
#include "algorithms/registry.hpp"
#include "sim/bound/bound_hook.hpp"
#include "sim/output/output_folder.hpp"
#include "sim/run/run_scenario.hpp"
#include "sim/scenario/loader.hpp"

int main() {
  // Self-registration survives static linking: every algorithm and bound hook of the installed
  // archives is there although nothing here names them.
  for (const char* kind : {"none", "berkeley", "cristian", "ntp", "welch_lynch", "neighbour_average"}) {
    if (!clocksim::algorithms::find_registration(kind, clocksim::algorithms::Layer::kSync)) {
      std::cerr << "sync algorithm " << kind << " is not registered\n";
      return 1;
    }
  }
  if (!clocksim::algorithms::find_registration("tsp", clocksim::algorithms::Layer::kElection) ||
      !clocksim::sim::find_bound_hook("berkeley")) {
    std::cerr << "the tsp election or berkeley's bound hook is not registered\n";
    return 1;
  }
  const auto spec = clocksim::scenario::load_scenario_text(
      "name: outside\nduration: 30s\ntick: 1s\nnodes: 4\nclocks: {drift_ppm: 50}\n"
      "algorithm: {sync: {kind: berkeley, period: 5s}}\n",
      "outside.yaml");
  clocksim::sim::MemoryFolder folder;
  clocksim::sim::RunOptions options;
  options.folder = &folder;
  std::ostringstream report;
  clocksim::sim::run_scenario(spec, options, report);
  const auto& files = folder.files();
  if (files.count("summary.json") == 0 || files.count("skew.csv") == 0) return 1;
  std::cout << "summary.json present; skew.csv " << files.at("skew.csv").size() << " bytes\n";
  return 0;
}
