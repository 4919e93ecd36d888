// Under `host: daemon` every clock effect an algorithm asks for passes clocksyncd's clock guard
// (algorithms/core/clock_guard), which the simulated node runs with the scenario's `limits:`
// (clocksyncd's defaults unless it sets them; sim/world/hosted_node.cpp). The guard refuses a
// master's own correction above master_max_adjust, any correction above panic_threshold or past
// the panic window's sum, slews steps below min_step, and clamps rates to ±max_rate_ppm. The skew
// bounds count on every correction being carried out as asked, so under that host a bound is
// claimed only where the guard can never intervene (docs/bounds.md §1).
#pragma once

#include <string>
#include <vector>

#include "algorithms/bounds/skew_bound.hpp"
#include "sim/scenario/spec.hpp"

namespace clocksim::sim {

struct HostedGuardLimits {
  double master_correction_s = 0;  // a master's own correction beyond this is refused (0: no limit)
  double correction_s = 0;         // any correction beyond this is refused (0: no limit)
  double window_s = 0;             // ... and the corrections within this much time add up to it
  double rate_ppm = 0;             // frequency corrections are clamped to this
  double min_step_s = 0;           // a step smaller than this is slewed instead (0: steps as asked)
};

// Every distinct set of limits the scenario's simulated daemons run, the top-level one first and
// then the nodes' own in node order, each with the first node that runs it (empty under host:
// algorithm). `leader`: the node that leads every round of a fixed-in-advance bound (a static
// master or server; kNoNode: any node may lead); its sets are marked, and left out when
// `leader_corrected` is false (a Cristian server corrects nothing, so no correction passes its
// guard).
struct NodeGuardLimits {
  HostedGuardLimits limits;
  std::string node;     // empty: the top-level limits: (every node without limits of its own)
  bool leader = true;   // the leader (or, unknown, any node) runs these
};
std::vector<NodeGuardLimits> hosted_guard_limits(const scenario::ScenarioSpec& spec, NodeId leader = kNoNode,
                                                 bool leader_corrected = true);

// Why the guard could refuse or clamp a correction a fixed-in-advance bound counts on (kNone:
// it cannot). `masters_correct_themselves`: Berkeley's master applies its own correction, a
// Cristian server none. `max_rate_ppm`: the largest frequency correction the algorithm may send
// (0: none), whose movement the guard counts in the panic window with the corrections.
// `smallest_step_s`: the smallest correction the algorithm carries out as a step
// (infinity: it steps none), which the guard would slew if it were below min_step.
bounds::NoBound guard_breaks_bound(const bounds::SkewBound& b, const HostedGuardLimits& limits,
                                   bool masters_correct_themselves, double max_rate_ppm, double smallest_step_s);
// The same for every node's limits: the first set that breaks the bound, its node named when the
// limits are a node's own. A master's own correction meets master_max_adjust only in the sets the
// leader runs.
bounds::NoBound guard_breaks_bound(const bounds::SkewBound& b, const std::vector<NodeGuardLimits>& limits,
                                   bool masters_correct_themselves, double max_rate_ppm, double smallest_step_s);

// The largest correction the guard lets through untouched, a master's included (0: no limit).
double guard_correction_limit_s(const HostedGuardLimits& limits);

}  // namespace clocksim::sim
