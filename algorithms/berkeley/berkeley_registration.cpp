#include "algorithms/berkeley/berkeley.hpp"
#include "algorithms/berkeley/config.hpp"
#include "algorithms/registration.hpp"

namespace clocksim::algorithms::registrations {

AlgorithmRegistration berkeley_registration() {
  AlgorithmRegistration r;
  r.info = {"berkeley", Layer::kSync, "Berkeley master/slave averaging as 4.3BSD timed does it (Gusella & Zatti)",
            berkeley::berkeley_params()};
  // Led only: it stays passive until the stack calls lead() or follow(); with no election named,
  // the static election names the master.
  r.make_led = [](const StackSetup& s) {
    return std::make_unique<berkeley::Berkeley>(s.membership, berkeley::berkeley_config(s.sync.params), s.seed);
  };
  r.bound = BoundDeclaration::hook();  // sim/bound/berkeley_bound_hook.cpp
  return r;
}

}  // namespace clocksim::algorithms::registrations
