#include "algorithms/election/election_factory.hpp"

#include "algorithms/election/tsp/tsp_election.hpp"

namespace clocksim::election {

const std::vector<ElectionKind>& election_kinds() {
  static const std::vector<ElectionKind> kKinds = {
      {"tsp", "TSP election of BSD timed (Gusella-Zatti): MASTERREQ, randomized election timer, "
              "ELECTION/ACCEPT/REFUSE, CONFLICT/RESOLVE/QUIT", &tsp_param_specs()},
  };
  return kKinds;
}

std::unique_ptr<ElectionLayer> make_election(const std::string& kind, const ElectionSetup& setup) {
  if (kind == "tsp") return std::make_unique<TspElection>(setup);
  return nullptr;
}

}  // namespace clocksim::election
