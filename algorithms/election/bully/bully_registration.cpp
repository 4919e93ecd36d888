#include "algorithms/election/bully/bully_election.hpp"
#include "algorithms/registration.hpp"

namespace clocksim::algorithms::registrations {

AlgorithmRegistration bully_registration() {
  AlgorithmRegistration r;
  r.info = {"bully", Layer::kElection,
            "Bully algorithm (Garcia-Molina 1982): the highest live id wins; ELECTION/OK/COORDINATOR, "
            "coordinator heartbeats",
            election::bully_param_specs()};
  r.make_election = [](const election::ElectionSetup& s) { return std::make_unique<election::BullyElection>(s); };
  return r;
}

}  // namespace clocksim::algorithms::registrations
