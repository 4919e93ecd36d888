#include "algorithms/election/ring/ring_election.hpp"
#include "algorithms/registration.hpp"

namespace clocksim::algorithms::registrations {

AlgorithmRegistration ring_registration() {
  return election_registration<election::RingElection>(
      "ring",
      "ring election (Chang-Roberts 1979): the election message circles the id-ordered ring, dead "
      "nodes skipped; the initiator announces the winner",
      election::ring_param_specs());
}

}  // namespace clocksim::algorithms::registrations
