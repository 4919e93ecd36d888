#include "sim/bound/bound_hook.hpp"

namespace clocksim::sim::bound_hooks {

// Logical clocks leave the physical ones free.
BoundHookRegistration logical_bound_hook() { return {"logical", make_free_running_bound}; }

}  // namespace clocksim::sim::bound_hooks
