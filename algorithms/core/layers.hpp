// How an election and a sync protocol compose on one node (algorithms/stack drives this).
//
// The election decides who leads; the sync layer (Berkeley, Cristian's server, ...) does the time
// work. The stack routes each message by type to the layer that owns it, and after every call into
// the election compares its role and believed master with what they were before: a change calls
// SyncLayer::lead or SyncLayer::follow. Traffic that proves the master alive (a probe, a
// correction) is passed back to the election through ElectionLayer::on_master_activity, so that
// TSP's election timer restarts on every ADJTIME exactly as in timed.
//
// Timer ids: the election owns TimerSpace part 1, the sync layer part 2, so the stack routes a
// firing by TimerSpace::part(id).
#pragma once

#include "algorithms/core/algorithm.hpp"

namespace clocksim {

inline constexpr std::uint32_t kElectionTimerPart = 1;
inline constexpr std::uint32_t kSyncTimerPart = 2;

class SyncLayer : public Algorithm {
 public:
  // The election made this node the time master.
  virtual void lead(LocalTime now, Effects& out) = 0;
  // Follow `master` (kNoNode: none known; stay passive until told).
  virtual void follow(NodeId master, LocalTime now, Effects& out) = 0;
  // True when `msg` from `from` is a master's traffic (a probe, a correction); the stack forwards
  // it to the election, which decides whether `from` is its master.
  virtual bool is_master_activity(NodeId from, const Message& msg) const = 0;
  // True when the sync layer also wants to see an election message of this type after the
  // election has handled it (Berkeley's host table hears SLAVEUP, a slave announcing itself).
  virtual bool hears_election_message(MsgType /*type*/) const { return false; }
};

class ElectionLayer : public Algorithm {
 public:
  // The sync layer heard a master (`master`, not necessarily this node's) at `now`: this node's
  // own master's traffic restarts failure-detection timers.
  virtual void on_master_activity(NodeId master, LocalTime now, Effects& out) = 0;
  // False for a layer that never holds an election (a leader fixed in advance): it has no role
  // of its own to show, so the stack shows the sync layer's role and master.
  virtual bool elects() const { return true; }
};

// Which layer a message type belongs to.
bool is_election_message(MsgType t);

}  // namespace clocksim
