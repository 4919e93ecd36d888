// The scenario of one run of a sweep: the base file with the run's overrides, loaded as every
// way of running a sweep (the CLI, the Python module) loads it, so that they refuse alike.
#pragma once

#include "sim/network/topology_cache.hpp"
#include "sim/scenario/spec.hpp"
#include "sim/sweep/sweep_plan.hpp"

namespace clocksim::sweep {

// Throws scenario::ScenarioError as the loader does; a run that would write no summary.json
// (which the sweep needs to know it is done) is refused too.
scenario::ScenarioSpec load_run_scenario(const SweepSpec& spec, const PlannedRun& run, sim::TopologyCache& topologies);

// Adds the files `run` reads besides the base scenario to spec.input_files (once each), for the
// sweep's record of what its runs were planned from (sweep_record.hpp).
void note_input_files(SweepSpec& spec, const scenario::ScenarioSpec& run);

}  // namespace clocksim::sweep
