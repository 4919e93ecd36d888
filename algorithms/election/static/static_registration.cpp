#include "algorithms/election/static/static_election.hpp"
#include "algorithms/registration.hpp"

namespace clocksim::algorithms::registrations {

AlgorithmRegistration static_registration() {
  return election_registration<election::StaticElection>(
      "static", "a leader named in advance and never an election (the default of Berkeley, Cristian and NTP)",
      election::static_param_specs());
}

}  // namespace clocksim::algorithms::registrations
