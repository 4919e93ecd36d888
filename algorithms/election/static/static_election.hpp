// The static election: the leader is named in advance (`leader`; -1, the default, is the lowest
// member id) and no election is ever held. It is what Berkeley's master, Cristian's time server
// and NTP's default server run under when a scenario names no election (algorithms/registry's
// make_stack), so that no sync algorithm carries a "standalone" mode of its own.
//
// It sends nothing and sets no timer. The named node leads whatever its can_be_master, as a
// fixed master always did; if it is down, nobody leads (the limit of a static choice: see
// `standby` for a fixed master with a standby). It never elects, so the stack shows the sync
// layer's own role and master (ElectionLayer::elects).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "algorithms/core/layers.hpp"
#include "algorithms/election/common/election_setup.hpp"

namespace clocksim::election {

const std::vector<ParamSpec>& static_param_specs();

// Sync parameters that named the fixed leader before this layer existed (berkeley `master`,
// cristian and ntp `server`): for such a key, what to write instead; nullopt for any other key.
std::optional<std::string> moved_to_static_election(const std::string& sync_kind, const std::string& key);

class StaticElection final : public ElectionLayer {
 public:
  explicit StaticElection(const ElectionSetup& setup);

  void on_start(LocalTime, Effects&) override {}
  void on_message(LocalTime, NodeId, const Message&, Effects&) override {}
  void on_timer(LocalTime, TimerId, Effects&) override {}
  void on_master_activity(NodeId, LocalTime, Effects&) override {}
  Role role() const override { return leader_ == self_ ? Role::kMaster : Role::kSlave; }
  NodeId believed_master() const override { return leader_; }
  bool elects() const override { return false; }

  NodeId leader() const { return leader_; }

 private:
  NodeId self_;
  NodeId leader_;
};

}  // namespace clocksim::election
