#include "sim/sweep/sweep_run_scenario.hpp"

#include "sim/scenario/loader.hpp"

namespace clocksim::sweep {

scenario::ScenarioSpec load_run_scenario(const SweepSpec& spec, const PlannedRun& run, sim::TopologyCache& topologies) {
  scenario::LoadOptions options;
  options.set_overrides = run.overrides;
  options.topologies = &topologies;
  options.require_summary = true;
  return scenario::load_scenario_file(spec.base_scenario, options);
}

}  // namespace clocksim::sweep
