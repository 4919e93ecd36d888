#include "sim/bound/bound_hook.hpp"

namespace clocksim::sim::bound_hooks {

// No synchronization: the clocks run free.
BoundHookRegistration none_bound_hook() { return {"none", make_free_running_bound}; }

}  // namespace clocksim::sim::bound_hooks
