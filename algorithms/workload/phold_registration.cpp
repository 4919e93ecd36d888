#include "algorithms/registration.hpp"
#include "algorithms/workload/phold.hpp"

namespace clocksim::algorithms::registrations {

AlgorithmRegistration phold_registration() {
  AlgorithmRegistration r;
  r.info = {"phold", Layer::kSync, "PHOLD benchmark workload (no synchronization)", Phold::param_specs()};
  r.info.needs_link_delay = true;
  r.make_alone = [](const StackSetup& s) { return std::make_unique<Phold>(s.membership, s.seed, s.sync.params); };
  // No make_led: a benchmark workload does not run under an election.
  r.bound = BoundDeclaration::none(
      "PHOLD is an event-rate benchmark workload, not a synchronization algorithm: it never corrects a clock");
  return r;
}

}  // namespace clocksim::algorithms::registrations
