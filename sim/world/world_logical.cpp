// The world's side of logical clocks: after each dispatch, the event the node's algorithm
// stamped (if any) goes to the observers, which track the true happened-before relation
// themselves (sim/logical) and write logical.csv.
#include "sim/world/world.hpp"

namespace clocksim::sim {

void World::report_logical_event(NodeId id) {
  const Algorithm* algorithm = algorithms_[id].get();
  if (algorithm == nullptr) return;
  const LogicalEvent* e = algorithm->last_logical_event();
  if (e == nullptr) return;
  for (Observer* o : observers_) o->on_logical_event(now_, id, *e);
}

}  // namespace clocksim::sim
