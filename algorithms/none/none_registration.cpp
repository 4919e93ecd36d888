#include "algorithms/none/free_running.hpp"
#include "algorithms/registration.hpp"
#include "algorithms/stack/no_sync.hpp"

namespace clocksim::algorithms::registrations {

AlgorithmRegistration none_registration() {
  AlgorithmRegistration r;
  r.info = {"none", Layer::kSync, "free-running clocks: no synchronization", {}};
  r.make_alone = [](const StackSetup&) { return std::make_unique<FreeRunning>(); };
  r.make_led = [](const StackSetup&) { return std::make_unique<NoSync>(); };
  r.bound = BoundDeclaration::hook();  // the free-running model (sim/bound/none_bound_hook.cpp)
  return r;
}

}  // namespace clocksim::algorithms::registrations
