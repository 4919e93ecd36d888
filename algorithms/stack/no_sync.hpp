// The sync layer of a stack whose sync kind is "none": clocks run free and only the election
// runs (election-only experiments). It never claims master activity, so failure detection rests
// on the election's own traffic (heartbeats, LOOP).
#pragma once

#include "algorithms/core/layers.hpp"

namespace clocksim::algorithms {

class NoSync final : public SyncLayer {
 public:
  void on_start(LocalTime, Effects&) override {}
  void on_message(LocalTime, NodeId, const Message&, Effects&) override {}
  void on_timer(LocalTime, TimerId, Effects&) override {}
  Role role() const override { return Role::kNone; }
  void lead(LocalTime, Effects&) override {}
  void follow(NodeId, LocalTime, Effects&) override {}
  bool is_master_activity(NodeId, const Message&) const override { return false; }
};

}  // namespace clocksim::algorithms
