// The sentences people read for why a scenario has no bound (summary.json `bound_note`, the run's
// result lines, sweep.csv) and for the caveats of a bound it has, built from the typed reason
// (algorithms/bounds/no_bound.hpp) at the output boundary.
#pragma once

#include <string>

#include "algorithms/bounds/no_bound.hpp"
#include "algorithms/bounds/skew_bound.hpp"

namespace clocksim::sim {

// Empty for NoBoundWhy::kNone.
std::string no_bound_text(const bounds::NoBound& why);
// What a valid master/slave bound does not promise: "; " before each caveat (rate correction not
// counted, the wander envelope's miss probability), empty when it has none.
std::string bound_caveats_text(const bounds::SkewBound& b);

}  // namespace clocksim::sim
