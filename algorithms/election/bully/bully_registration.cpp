#include "algorithms/election/bully/bully_election.hpp"
#include "algorithms/registration.hpp"

namespace clocksim::algorithms::registrations {

AlgorithmRegistration bully_registration() {
  return election_registration<election::BullyElection>(
      "bully",
      "Bully algorithm (Garcia-Molina 1982): the highest live id wins; ELECTION/OK/COORDINATOR, "
      "coordinator heartbeats",
      election::bully_param_specs());
}

}  // namespace clocksim::algorithms::registrations
