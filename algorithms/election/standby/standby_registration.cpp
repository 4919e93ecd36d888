#include "algorithms/election/standby/standby_election.hpp"
#include "algorithms/registration.hpp"

namespace clocksim::algorithms::registrations {

AlgorithmRegistration standby_registration() {
  AlgorithmRegistration r;
  r.info = {"standby", Layer::kElection,
            "static primary with a standby secondary that takes over after standby_timeout of silence",
            election::standby_param_specs()};
  r.make_election = [](const election::ElectionSetup& s) { return std::make_unique<election::StandbyElection>(s); };
  return r;
}

}  // namespace clocksim::algorithms::registrations
