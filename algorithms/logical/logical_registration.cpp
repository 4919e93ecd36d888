#include "algorithms/logical/logical_clocks.hpp"
#include "algorithms/registration.hpp"

namespace clocksim::algorithms::registrations {

AlgorithmRegistration logical_registration() {
  AlgorithmRegistration r;
  r.info = {"logical", Layer::kSync,
            "Lamport and vector clocks stamping an application workload (no physical synchronization)",
            logical::logical_params()};
  r.make_alone = [](const StackSetup& s) {
    return std::make_unique<logical::LogicalClocks>(s.membership, logical::logical_config(s.sync.params), s.seed,
                                                    s.logical_before);
  };
  r.make_led = [](const StackSetup& s) {
    return std::make_unique<logical::LogicalClocks>(s.membership, logical::logical_config(s.sync.params), s.seed,
                                                    s.logical_before);
  };
  r.bound = BoundDeclaration::hook();  // free-running physical clocks (sim/bound/logical_bound_hook.cpp)
  return r;
}

}  // namespace clocksim::algorithms::registrations
