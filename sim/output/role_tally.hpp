// Every node's role as the last tick saw it, and what a tick reports of the roles: how many up
// nodes are masters and which node the most up nodes believe is master. Kept up to date from the
// nodes that changed (TickView::role_changes), so a tick costs what changed, not N.
#pragma once

#include <cstdint>
#include <vector>

#include "algorithms/core/ids.hpp"
#include "sim/world/observer.hpp"

namespace clocksim::sim {

class RoleTally {
 public:
  explicit RoleTally(NodeId nodes = 0);

  // Node r.id is now as r says (its id must be below the node count).
  void update(const NodeRole& r);

  NodeId size() const { return static_cast<NodeId>(nodes_.size()); }
  const NodeRole& node(NodeId id) const { return nodes_[id]; }
  bool is_master(NodeId id) const { return counts_as_master(nodes_[id]); }
  // Up nodes whose role is master (a Byzantine one included: it lies about its clock, not its role).
  std::uint32_t masters() const { return masters_; }
  // The node the most up nodes believe is master (ties: the lowest id); kNoNode when no up node
  // believes in any.
  NodeId most_believed() const;

 private:
  static bool counts_as_master(const NodeRole& r) { return r.up && r.role == Role::kMaster; }
  NodeId belief_of(const NodeRole& r) const { return r.up && r.believed_master < size() ? r.believed_master : kNoNode; }

  std::vector<NodeRole> nodes_;
  std::vector<std::uint32_t> believers_;  // per node: up nodes that believe it is master
  std::uint32_t masters_ = 0;
  // The most believed node, kept as beliefs grow; a belief taken from it forces a scan of
  // believers_ at the next question (a failover's tick, not every tick).
  mutable NodeId best_ = kNoNode;
  mutable std::uint32_t best_count_ = 0;
  mutable bool rescan_ = false;
};

}  // namespace clocksim::sim
