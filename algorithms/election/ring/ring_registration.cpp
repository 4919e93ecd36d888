#include "algorithms/election/ring/ring_election.hpp"
#include "algorithms/registration.hpp"

namespace clocksim::algorithms::registrations {

AlgorithmRegistration ring_registration() {
  AlgorithmRegistration r;
  r.info = {"ring", Layer::kElection,
            "ring election (Chang-Roberts 1979): the election message circles the id-ordered ring, dead "
            "nodes skipped; the initiator announces the winner",
            election::ring_param_specs()};
  r.make_election = [](const election::ElectionSetup& s) { return std::make_unique<election::RingElection>(s); };
  return r;
}

}  // namespace clocksim::algorithms::registrations
