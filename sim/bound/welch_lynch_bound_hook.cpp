#include "sim/bound/bound_hook.hpp"
#include "sim/bound/ft_average_skew_bound.hpp"

namespace clocksim::sim::bound_hooks {

// docs/bounds.md §8: fault-tolerant averaging, which tolerates up to `faults` liars.
BoundHookRegistration welch_lynch_bound_hook() { return {"welch_lynch", make_ft_average_skew_bound}; }

}  // namespace clocksim::sim::bound_hooks
