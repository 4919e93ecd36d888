#include "sim/output/role_tally.hpp"

namespace clocksim::sim {

RoleTally::RoleTally(NodeId nodes) : believers_(nodes, 0) {
  nodes_.resize(nodes);
  for (NodeId i = 0; i < nodes; ++i) nodes_[i].id = i;
}

void RoleTally::update(const NodeRole& r) {
  NodeRole& was = nodes_[r.id];
  if (counts_as_master(was)) --masters_;
  if (counts_as_master(r)) ++masters_;
  const NodeId before = belief_of(was), after = belief_of(r);
  was = r;
  if (before == after) return;
  if (before != kNoNode) {
    --believers_[before];
    if (before == best_) rescan_ = true;
  }
  if (after != kNoNode) {
    const std::uint32_t c = ++believers_[after];
    if (!rescan_ && (c > best_count_ || (c == best_count_ && after < best_))) {
      best_ = after;
      best_count_ = c;
    }
  }
}

NodeId RoleTally::most_believed() const {
  if (rescan_) {
    rescan_ = false;
    best_ = kNoNode;
    best_count_ = 0;
    for (NodeId id = 0; id < size(); ++id) {
      if (believers_[id] > best_count_) {
        best_count_ = believers_[id];
        best_ = id;
      }
    }
  }
  return best_count_ > 0 ? best_ : kNoNode;
}

}  // namespace clocksim::sim
