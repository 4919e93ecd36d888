#include "algorithms/election/static/static_election.hpp"

namespace clocksim::election {

const std::vector<ParamSpec>& static_param_specs() {
  static const std::vector<ParamSpec> kSpecs = {
      {"leader", ParamType::kInt, std::int64_t{-1},
       "the node id that leads (the number of n<id>): Berkeley's master, Cristian's time server, NTP's default "
       "server; -1: the lowest id",
       -1, 4294967294.0, {}, /*names_node=*/true},
  };
  return kSpecs;
}

std::optional<std::string> moved_to_static_election(const std::string& sync_kind, const std::string& key) {
  const bool moved = (sync_kind == "berkeley" && key == "master") ||
                     ((sync_kind == "cristian" || sync_kind == "ntp") && key == "server");
  if (!moved) return std::nullopt;
  return "the fixed leader is the static election's now: write `election: {kind: static, leader: <id>}` "
         "beside `sync:` (with no election named, the lowest id leads)";
}

namespace {
NodeId named_leader(const ElectionSetup& setup) {
  const std::int64_t leader = setup.params.get_int("leader");
  if (leader >= 0) return static_cast<NodeId>(leader);
  const auto& members = setup.membership.members;
  return members && !members->empty() ? members->front() : kNoNode;  // ascending: the lowest id
}
}  // namespace

StaticElection::StaticElection(const ElectionSetup& setup)
    : self_(setup.membership.self), leader_(named_leader(setup)) {}

}  // namespace clocksim::election
