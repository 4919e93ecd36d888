#include "algorithms/election/tsp/tsp_election.hpp"
#include "algorithms/election/tsp/tsp_params.hpp"
#include "algorithms/registration.hpp"

namespace clocksim::algorithms::registrations {

AlgorithmRegistration tsp_registration() {
  return election_registration<election::TspElection>(
      "tsp",
      "TSP election of BSD timed (Gusella-Zatti): MASTERREQ, randomized election timer, "
      "ELECTION/ACCEPT/REFUSE, CONFLICT/RESOLVE/QUIT",
      election::tsp_param_specs());
}

}  // namespace clocksim::algorithms::registrations
