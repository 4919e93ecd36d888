#include "sim/sweep/sweep_run_scenario.hpp"

#include <algorithm>

#include "sim/scenario/loader.hpp"

namespace clocksim::sweep {

scenario::ScenarioSpec load_run_scenario(const SweepSpec& spec, const PlannedRun& run, sim::TopologyCache& topologies) {
  scenario::LoadOptions options;
  options.set_overrides = run.overrides;
  options.topologies = &topologies;
  options.require_summary = true;
  return scenario::load_scenario_file(spec.base_scenario, options);
}

void note_input_files(SweepSpec& spec, const scenario::ScenarioSpec& run) {
  if (run.topology.kind != scenario::TopologySpec::Kind::kFile) return;
  if (std::find(spec.input_files.begin(), spec.input_files.end(), run.topology.file) != spec.input_files.end()) return;
  spec.input_files.push_back(run.topology.file);
}

}  // namespace clocksim::sweep
