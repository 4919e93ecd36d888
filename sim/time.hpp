// True (simulation) time: known only inside sim/. An algorithm never sees it; the type system
// keeps it apart from LocalTime.
#pragma once

#include "algorithms/core/time.hpp"

namespace clocksim::sim {

struct TrueTimeTag {};
using Time = Instant<TrueTimeTag>;

}  // namespace clocksim::sim
