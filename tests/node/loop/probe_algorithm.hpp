// A scripted algorithm for node-loop and socket-loop tests: records what it is given and answers
// with effects a test can observe from outside.
#pragma once

#include <utility>
#include <vector>

#include "algorithms/core/algorithm.hpp"

namespace clocksim::node::testing {

class Probe final : public Algorithm {
 public:
  void on_start(LocalTime, Effects& out) override { out.set_timer(7, Duration::from_ns(20'000'000)); }
  void on_message(LocalTime, NodeId from, const Message& msg, Effects& out) override {
    received.emplace_back(from, msg);
    if (msg.type == MsgType::kAdjust) out.adjust_clock(Duration::from_ns(msg.value_ns), AdjustMode::kStep);
    if (msg.type == MsgType::kMasterUp) role_ = Role::kMaster;
    if (msg.type == MsgType::kHeartbeat) out.send(1, make_message(MsgType::kHeartbeat));  // to itself (self is 1 in the tests)
  }
  void on_timer(LocalTime now, TimerId id, Effects& out) override {
    Message m = make_message(MsgType::kHeartbeat, id);
    m.t1_ns = now.ns();
    out.broadcast(m);
  }
  void on_shutdown(LocalTime, Effects& out) override { out.broadcast(make_message(MsgType::kLeave)); }
  Role role() const override { return role_; }
  std::vector<std::pair<NodeId, Message>> received;
  Role role_ = Role::kSlave;
};

}  // namespace clocksim::node::testing
