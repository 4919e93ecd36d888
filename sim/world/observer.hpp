// What the world reports while it runs: per-tick snapshots and narrative events. The recorder
// (files), the expectation checker and the failover analysis are observers; the world knows none
// of them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "algorithms/core/effects.hpp"
#include "algorithms/core/ids.hpp"
#include "algorithms/core/logical_event.hpp"
#include "algorithms/core/message.hpp"
#include "algorithms/core/note.hpp"
#include "sim/time.hpp"

namespace clocksim::sim {

struct NodeSnapshot {
  NodeId id;
  std::int64_t local_ns;
  std::int64_t offset_ns;  // local − true
  Role role;
  NodeId believed_master;
  bool up;
  bool faulty = false;  // a Byzantine clock now: not among the correct nodes whose skew counts
};

// What a node's snapshot says besides its clock: it changes only while the node handles
// something or a fault strikes it, so a per-tick pass can keep it up to date from the few nodes
// that changed (TickView::role_changes).
struct NodeRole {
  NodeId id = kNoNode;
  Role role = Role::kNone;
  NodeId believed_master = kNoNode;
  bool up = false;
  bool faulty = false;
};

// The clocks counted in the skew (up and not lying) at an instant: how many, their extreme
// offsets, and the sum of the offsets' magnitudes (in 128 bits: 10^6 offsets of 10^12 ns would
// overflow 64).
struct UpOffsets {
  std::uint32_t count = 0;
  std::int64_t lo_ns = 0;  // meaningful when count > 0
  std::int64_t hi_ns = 0;
  __extension__ __int128 abs_sum_ns = 0;
  void add(std::int64_t offset_ns) {
    lo_ns = count == 0 ? offset_ns : (offset_ns < lo_ns ? offset_ns : lo_ns);
    hi_ns = count == 0 ? offset_ns : (offset_ns > hi_ns ? offset_ns : hi_ns);
    abs_sum_ns += offset_ns < 0 ? -offset_ns : offset_ns;
    ++count;
  }
};

// A read-only view of every node at one tick.
class TickView {
 public:
  virtual ~TickView() = default;
  virtual Time now() const = 0;
  virtual NodeId node_count() const = 0;
  virtual NodeSnapshot node(NodeId id) const = 0;
  virtual const std::string& node_name(NodeId id) const = 0;
  // Every node's snapshot now, in id order: entry i is node(i). The reference stays valid until
  // the next call. For the per-tick pass over every node: a world re-asks an algorithm for its
  // role and believed master only if the node handled something since the last call, which at
  // 10^5 nodes spares most of them a visit to their algorithm objects.
  virtual const std::vector<NodeSnapshot>& snapshot_all() const;
  // Into `out`, in id order: every node whose role, believed master, up or faulty may differ
  // from what the last call (or snapshot_all) saw, as it is now; every node at the first call.
  // Listing a node that did not change is allowed (this default lists every node every time);
  // leaving out one that did is not. With it a tick that needs no clock reading visits only the
  // nodes that handled something since the last tick.
  virtual void role_changes(std::vector<NodeRole>& out) const;
  // Cheap reads for checks that run far more often than ticks (the exact skew checker).
  virtual std::int64_t offset_ns(NodeId id) const { return node(id).offset_ns; }
  virtual bool is_up(NodeId id) const { return node(id).up; }
  // The clock's rate error now, in ppm (drift, wander and frequency correction; not a slew in
  // progress nor a sinusoidal term), if the view knows it: it lets the exact checker bound how far
  // a clock can move before its next breakpoint.
  virtual std::optional<double> clock_rate_ppm(NodeId /*id*/) const { return std::nullopt; }

  struct ClockReading {
    NodeId id;
    std::int64_t offset_ns;
    std::optional<double> rate_ppm;
  };
  // Every is_up node's offset_ns, read as those calls would, aggregated: for a tick that needs
  // the aggregate and no node's own reading (a view can sum its clocks in one pass, keeping
  // nothing).
  virtual UpOffsets up_offsets() const {
    UpOffsets sums;
    for (NodeId i = 0; i < node_count(); ++i) {
      if (is_up(i)) sums.add(offset_ns(i));
    }
    return sums;
  }
  // Every node that is_up, in id order, with offset_ns and then clock_rate_ppm read as those calls
  // would: one call for a scan of every clock (a view can read its clocks in a tight loop).
  virtual void read_up_clocks(std::vector<ClockReading>& out) const {
    out.clear();
    for (NodeId i = 0; i < node_count(); ++i) {
      if (!is_up(i)) continue;
      const std::int64_t offset = offset_ns(i);
      out.push_back(ClockReading{i, offset, clock_rate_ppm(i)});
    }
  }

 private:
  mutable std::vector<NodeSnapshot> all_;  // snapshot_all()'s, as it reads every node
};

inline const std::vector<NodeSnapshot>& TickView::snapshot_all() const {
  all_.resize(node_count());
  for (NodeId i = 0; i < all_.size(); ++i) all_[i] = node(i);
  return all_;
}

inline void TickView::role_changes(std::vector<NodeRole>& out) const {
  out.clear();
  for (NodeId i = 0; i < node_count(); ++i) {
    const NodeSnapshot s = node(i);
    out.push_back(NodeRole{s.id, s.role, s.believed_master, s.up, s.faulty});
  }
}

class Observer {
 public:
  virtual ~Observer() = default;
  virtual void on_tick(const TickView& view) = 0;
  // A note of `node` (kNoNode: about the run as a whole), from an algorithm or the fault schedule.
  virtual void on_event(Time t, NodeId node, const Note& note) = 0;
  // Every message the world hands to the network (a broadcast: once per destination), whatever
  // the network then does with it. Lets the run analysis count a failover's messages by type.
  virtual void on_message_sent(Time /*t*/, NodeId /*from*/, NodeId /*to*/, const Message& /*msg*/) {}
  // The network's verdict on the message just reported by on_message_sent: when it will reach
  // `to` (whether `to` is up then is decided at that instant), or nullopt when it is lost.
  virtual void on_message_routed(Time /*t*/, NodeId /*from*/, NodeId /*to*/, const Message& /*msg*/,
                                 std::optional<Time> /*arrives_at*/) {}
  // Every clock correction an algorithm applies (step or slew; not frequency corrections), as it
  // is applied, with the master and round that computed it. Lets the skew bound tell which clocks
  // a round corrected (docs/bounds.md §7).
  virtual void on_clock_adjust(Time /*t*/, NodeId /*node*/, Duration /*delta*/, AdjustMode /*mode*/,
                               CorrectionSource /*source*/) {}
  // Under host: daemon, a correction clocksyncd's clock guard refused or changed (a rate clamped,
  // an undo clipped): the clock does not do what the algorithm computed (docs/bounds.md §7).
  virtual void on_clock_guarded(Time /*t*/, NodeId /*node*/) {}
  // A frequency correction replaced a clock's previous one (its slope changes, not its reading).
  virtual void on_rate_correction(Time /*t*/, NodeId /*node*/, double /*ppm*/) {}
  // A node's process starts (at t = 0, or a restart): from now on it is up.
  virtual void on_node_started(Time /*t*/, NodeId /*node*/) {}
  // An instant some observer asked the world for (World::schedule_probe); nothing changes here.
  virtual void on_probe(const TickView& /*view*/) {}
  // Every message handed to a node that is up, just before the node handles it.
  virtual void on_message_delivered(Time /*t*/, NodeId /*from*/, NodeId /*to*/, const Message& /*msg*/) {}
  // A logical-clock event a node's algorithm stamped (algorithms/logical), reported before the
  // messages that event sends.
  virtual void on_logical_event(Time /*t*/, NodeId /*node*/, const LogicalEvent& /*event*/) {}
};

}  // namespace clocksim::sim
