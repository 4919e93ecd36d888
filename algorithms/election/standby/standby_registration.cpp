#include "algorithms/election/standby/standby_election.hpp"
#include "algorithms/registration.hpp"

namespace clocksim::algorithms::registrations {

AlgorithmRegistration standby_registration() {
  return election_registration<election::StandbyElection>(
      "standby",
      "static primary with a standby secondary that takes over after standby_timeout of silence",
      election::standby_param_specs());
}

}  // namespace clocksim::algorithms::registrations
