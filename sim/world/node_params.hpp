// Turns the scenario's clock description (distributions, per-node overrides) into one node's
// concrete clock parameters, drawn from that node's own random stream.
#pragma once

#include "algorithms/core/ids.hpp"
#include "sim/clock/clock_model.hpp"
#include "sim/scenario/spec.hpp"

namespace clocksim::sim {

ClockParams draw_clock_params(const scenario::ScenarioSpec& spec, NodeId id);

}  // namespace clocksim::sim
