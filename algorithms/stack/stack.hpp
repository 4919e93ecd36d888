// One node's protocol stack: an ElectionLayer deciding who leads and a SyncLayer doing the time
// work, driven as a single Algorithm (the contract is algorithms/core/layers.hpp).
//
//  - Messages go to the layer that owns their type (is_election_message).
//  - Timers go to the layer owning their TimerSpace part (kElectionTimerPart / kSyncTimerPart).
//  - After every call that can move the election (start, election message or timer, master
//    activity), the election's role and believed master are compared with what the sync layer was
//    last told: becoming master calls SyncLayer::lead, anything else that changed calls
//    SyncLayer::follow(master) (kNoNode while there is none).
//  - Sync traffic that proves the master alive is passed to ElectionLayer::on_master_activity,
//    which is how TSP's election timer restarts on every ADJTIME (timed slave.c).
#pragma once

#include <memory>

#include "algorithms/core/layers.hpp"

namespace clocksim::algorithms {

class Stack final : public Algorithm {
 public:
  Stack(std::unique_ptr<ElectionLayer> election, std::unique_ptr<SyncLayer> sync);

  void on_start(LocalTime now, Effects& out) override;
  void on_message(LocalTime now, NodeId from, const Message& msg, Effects& out) override;
  void on_timer(LocalTime now, TimerId id, Effects& out) override;
  void on_shutdown(LocalTime now, Effects& out) override;
  // Reference clocks serve time, which is the sync layer's business.
  void on_reference(LocalTime now, const ReferenceReading& reading, Effects& out) override {
    sync_->on_reference(now, reading, out);
  }

  // The election says who leads; the stack shows that role (a master is master of both layers),
  // unless the election never elects (a static leader): then the sync layer's own role (a
  // Cristian server, an NTP client) and the master it follows (NTP's system peer) are shown.
  Role role() const override { return election_->elects() ? election_->role() : sync_->role(); }
  NodeId believed_master() const override {
    return election_->elects() ? election_->believed_master() : sync_->believed_master();
  }
  const LogicalEvent* last_logical_event() const override { return sync_->last_logical_event(); }
  // Every call goes through one layer or both, each a separate allocation.
  void prefetch_state() const override {
    __builtin_prefetch(election_.get());
    __builtin_prefetch(sync_.get());
  }

  const ElectionLayer& election() const { return *election_; }
  const SyncLayer& sync() const { return *sync_; }

 private:
  // Tells the sync layer about a change of leadership, if there was one.
  void propagate(LocalTime now, Effects& out);

  std::unique_ptr<ElectionLayer> election_;
  std::unique_ptr<SyncLayer> sync_;
  bool told_ = false;          // the sync layer has been told a role at least once
  bool told_lead_ = false;     // what it was last told
  NodeId told_master_ = kNoNode;
};

}  // namespace clocksim::algorithms
