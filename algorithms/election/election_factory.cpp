#include "algorithms/election/election_factory.hpp"

#include "algorithms/election/bully/bully_election.hpp"
#include "algorithms/election/ring/ring_election.hpp"
#include "algorithms/election/standby/standby_election.hpp"
#include "algorithms/election/tsp/tsp_election.hpp"

namespace clocksim::election {

const std::vector<ElectionKind>& election_kinds() {
  static const std::vector<ElectionKind> kKinds = {
      {"tsp", "TSP election of BSD timed (Gusella-Zatti): MASTERREQ, randomized election timer, "
              "ELECTION/ACCEPT/REFUSE, CONFLICT/RESOLVE/QUIT", &tsp_param_specs()},
      {"bully", "Bully algorithm (Garcia-Molina 1982): the highest live id wins; ELECTION/OK/COORDINATOR, "
                "coordinator heartbeats", &bully_param_specs()},
      {"ring", "ring election (Chang-Roberts 1979): the election message circles the id-ordered ring, dead "
               "nodes skipped; the initiator announces the winner", &ring_param_specs()},
      {"standby", "static primary with a standby secondary that takes over after standby_timeout of silence",
       &standby_param_specs()},
  };
  return kKinds;
}

std::unique_ptr<ElectionLayer> make_election(const std::string& kind, const ElectionSetup& setup) {
  if (kind == "tsp") return std::make_unique<TspElection>(setup);
  if (kind == "bully") return std::make_unique<BullyElection>(setup);
  if (kind == "ring") return std::make_unique<RingElection>(setup);
  if (kind == "standby") return std::make_unique<StandbyElection>(setup);
  return nullptr;
}

}  // namespace clocksim::election
