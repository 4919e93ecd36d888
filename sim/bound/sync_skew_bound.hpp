// The engine's bound model for `sync: berkeley` and `sync: cristian`: the worst case of
// algorithms/bounds (docs/bounds.md) for this scenario, as a function of true time.
#pragma once

#include "sim/bound/skew_bound.hpp"

namespace clocksim::sim {

BoundAvailability make_sync_skew_bound(const scenario::ScenarioSpec& spec);

}  // namespace clocksim::sim
