#include "sim/bound/bound_hook.hpp"
#include "sim/bound/sync_skew_bound.hpp"

namespace clocksim::sim::bound_hooks {

// docs/bounds.md: the master/slave worst case, which assumes every clock answers honestly.
BoundHookRegistration berkeley_bound_hook() {
  return {"berkeley", [](const scenario::ScenarioSpec& spec) -> BoundAvailability {
            if (auto why = liars_break_the_model(spec)) return {nullptr, why};
            return make_sync_skew_bound(spec);
          }};
}

}  // namespace clocksim::sim::bound_hooks
