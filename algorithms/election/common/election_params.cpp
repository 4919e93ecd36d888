#include "algorithms/election/common/election_params.hpp"

namespace clocksim::election {

using namespace clocksim::literals;

ParamSpec heartbeat_period_spec() {
  return {"heartbeat_period", ParamType::kDuration, 1_s,
          "the leader (Bully's coordinator, the master) broadcasts a heartbeat this often", 1e6, 1e13, {}};
}

ParamSpec failure_timeout_spec(std::string name, std::string what) {
  return {std::move(name), ParamType::kDuration, 4500_ms,
          std::move(what) + " (default: four lost heartbeats plus latency margin)", 1e6, 1e14, {}};
}

ParamSpec election_failure_timeout_spec() {
  return failure_timeout_spec("failure_timeout",
                              "H: a node that hears no heartbeat (or sync traffic) from its leader this long starts an "
                              "election");
}

}  // namespace clocksim::election
