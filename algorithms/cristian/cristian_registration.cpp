#include "algorithms/cristian/cristian.hpp"
#include "algorithms/registration.hpp"

namespace clocksim::algorithms::registrations {

AlgorithmRegistration cristian_registration() {
  AlgorithmRegistration r;
  r.info = {"cristian", Layer::kSync,
            "Cristian's algorithm: clients set their clocks from a time server (min-RTT of k probes)",
            cristian::cristian_params()};
  // Led only: the elected (or, with no election named, the static) leader serves time; the
  // others are its clients.
  r.make_led = [](const StackSetup& s) {
    return std::make_unique<cristian::Cristian>(s.membership, cristian::cristian_config(s.sync.params), s.seed);
  };
  r.bound = BoundDeclaration::hook();  // sim/bound/cristian_bound_hook.cpp
  return r;
}

}  // namespace clocksim::algorithms::registrations
