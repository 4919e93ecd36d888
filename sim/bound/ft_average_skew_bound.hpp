// The engine's bound model for `sync: welch_lynch`: algorithms/bounds/ft_average_bound for this
// scenario (docs/bounds.md §8), as a function of true time.
#pragma once

#include "sim/bound/skew_bound.hpp"

namespace clocksim::sim {

BoundAvailability make_ft_average_skew_bound(const scenario::ScenarioSpec& spec);

}  // namespace clocksim::sim
