#include "algorithms/election/tsp/tsp_election.hpp"
#include "algorithms/election/tsp/tsp_params.hpp"
#include "algorithms/registration.hpp"

namespace clocksim::algorithms::registrations {

AlgorithmRegistration tsp_registration() {
  AlgorithmRegistration r;
  r.info = {"tsp", Layer::kElection,
            "TSP election of BSD timed (Gusella-Zatti): MASTERREQ, randomized election timer, "
            "ELECTION/ACCEPT/REFUSE, CONFLICT/RESOLVE/QUIT",
            election::tsp_param_specs()};
  r.make_election = [](const election::ElectionSetup& s) { return std::make_unique<election::TspElection>(s); };
  return r;
}

}  // namespace clocksim::algorithms::registrations
