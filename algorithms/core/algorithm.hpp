// The sans-IO algorithm interface. The simulator's node host and the daemon's socket loop drive
// the very same objects through it; neither is visible from here.
//
// An algorithm is a pure state machine: (state, input) -> (state, effects). Inputs are a start,
// a message or a timer firing, each stamped with the node's *local* clock reading at that moment;
// effects are sends, timers, clock adjustments and notes (effects.hpp). It never blocks, never
// reads a clock behind the driver's back and never sees true time. Randomness comes from the seed
// it was constructed with, so a run is a function of the scenario seed.
#pragma once

#include <memory>
#include <vector>

#include "algorithms/core/effects.hpp"
#include "algorithms/core/ids.hpp"
#include "algorithms/core/logical_event.hpp"
#include "algorithms/core/message.hpp"
#include "algorithms/core/reference.hpp"
#include "algorithms/core/time.hpp"

namespace clocksim {

// Who a node is and who else is in its cluster. Shared, read-only: at 10^6 nodes each node keeps a
// pointer to one member list, not a copy.
struct Membership {
  NodeId self = kNoNode;
  std::shared_ptr<const std::vector<NodeId>> members;  // all ids, self included, ascending
};

class Algorithm {
 public:
  virtual ~Algorithm() = default;

  virtual void on_start(LocalTime now, Effects& out) = 0;
  virtual void on_message(LocalTime now, NodeId from, const Message& msg, Effects& out) = 0;
  virtual void on_timer(LocalTime now, TimerId id, Effects& out) = 0;
  // Graceful shutdown (the daemon's SIGTERM): a master may hand over here. Default: nothing.
  virtual void on_shutdown(LocalTime /*now*/, Effects& /*out*/) {}
  // The host's answer to Effects::read_reference_clock. Default: nothing.
  virtual void on_reference(LocalTime /*now*/, const ReferenceReading& /*reading*/, Effects& /*out*/) {}

  // For traces and the narrative: the role this node plays now and the master it follows
  // (kNoNode when it knows of none; itself when it is master).
  virtual Role role() const = 0;
  virtual NodeId believed_master() const { return kNoNode; }
  // The application event stamped by the last on_* call, if it made one (algorithms/logical):
  // the simulator checks it against the true happened-before relation. nullptr otherwise.
  virtual const LogicalEvent* last_logical_event() const { return nullptr; }

  // A hint from a host that runs many nodes in one process: one of this node's calls comes next,
  // so start loading the state it will read beyond this object (parts it owns through pointers),
  // whose cache misses would otherwise come one after another inside the call. Changes nothing;
  // a host may call it any number of times, or never. Default: nothing.
  virtual void prefetch_state() const {}
};

}  // namespace clocksim
