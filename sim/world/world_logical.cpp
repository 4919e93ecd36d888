// The world's side of logical clocks: after each dispatch, the event the node's algorithm
// stamped (if any) goes to the observers, which track the true happened-before relation
// themselves (sim/logical) and write logical.csv.
#include <algorithm>

#include "algorithms/core/stable_state.hpp"
#include "sim/world/world.hpp"

namespace clocksim::sim {

void World::report_logical_event(NodeId id) {
  const Algorithm* algorithm = algorithms_[id].get();
  if (algorithm == nullptr) return;
  const LogicalEvent* e = algorithm->last_logical_event();
  if (e == nullptr) return;
  keep_logical_state(id, *e);
  for (Observer* o : observers_) o->on_logical_event(now_, id, *e);
}

void World::keep_logical_state(NodeId id, const LogicalEvent& e) {
  if (logical_kept_.size() != nodes_.size()) logical_kept_.resize(nodes_.size());
  clocksim::keep_logical_state(logical_kept_[id], e);
}

void World::report_hosted_logical_event(NodeId id) {
  const Algorithm* algorithm = algorithm_of(id);
  if (algorithm == nullptr) return;
  const LogicalEvent* e = algorithm->last_logical_event();
  if (e == nullptr) return;
  if (logical_kept_.size() != nodes_.size()) logical_kept_.resize(nodes_.size());
  // clocksyncd's rule for what its state file keeps (advance_stable_state), so that both hosts
  // agree on which events happened: at the end of the Lamport range later events share the
  // Lamport time, and only their vector or message id tells them from the kept one.
  if (!later_than_kept(logical_kept_[id], *e)) return;
  keep_logical_state(id, *e);
  for (Observer* o : observers_) o->on_logical_event(now_, id, *e);
}

}  // namespace clocksim::sim
