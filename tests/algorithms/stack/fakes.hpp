// Scripted stand-ins for the two layers of a stack: they record every call and let the test set
// the role and master the election reports.
#pragma once

#include <string>
#include <vector>

#include "algorithms/core/layers.hpp"

namespace clocksim::testing {

class FakeSync final : public SyncLayer {
 public:
  void on_start(LocalTime, Effects&) override { calls.push_back("start"); }
  void on_message(LocalTime, NodeId from, const Message& msg, Effects&) override {
    calls.push_back("msg " + std::string(msg_type_name(msg.type)) + " from " + std::to_string(from));
  }
  void on_timer(LocalTime, TimerId id, Effects&) override {
    calls.push_back("timer " + std::to_string(TimerSpace::local(id)));
  }
  Role role() const override { return Role::kNone; }
  void lead(LocalTime, Effects&) override { calls.push_back("lead"); }
  void follow(NodeId master, LocalTime, Effects&) override {
    calls.push_back("follow " + (master == kNoNode ? std::string("none") : std::to_string(master)));
  }
  // Corrections prove the master alive (as Berkeley's ADJTIME does for timed).
  bool is_master_activity(NodeId, const Message& msg) const override { return msg.type == MsgType::kAdjust; }

  std::vector<std::string> calls;
};

class FakeElection final : public ElectionLayer {
 public:
  void on_start(LocalTime, Effects&) override { calls.push_back("start"); }
  void on_message(LocalTime, NodeId from, const Message& msg, Effects&) override {
    calls.push_back("msg " + std::string(msg_type_name(msg.type)) + " from " + std::to_string(from));
    if (msg.type == MsgType::kHeartbeat) {  // scripted: a heartbeat makes us follow its sender
      role_now = Role::kSlave;
      master_now = from;
    }
  }
  void on_timer(LocalTime, TimerId id, Effects&) override {
    calls.push_back("timer " + std::to_string(TimerSpace::local(id)));
    role_now = Role::kMaster;  // scripted: any election timer makes us master
    master_now = 0;
  }
  void on_master_activity(NodeId master, LocalTime, Effects&) override {
    calls.push_back("activity " + std::to_string(master));
  }
  Role role() const override { return role_now; }
  NodeId believed_master() const override { return master_now; }

  std::vector<std::string> calls;
  Role role_now = Role::kNone;
  NodeId master_now = kNoNode;
};

}  // namespace clocksim::testing
