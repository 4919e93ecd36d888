#include "algorithms/core/stable_state.hpp"

#include <algorithm>

namespace clocksim {

void keep_logical_state(LogicalState& kept, const LogicalEvent& e) {
  kept.lamport = e.lamport;
  kept.vector = e.vector;
  if (e.kind == LogicalEvent::Kind::kSend) kept.next_message_id = std::max(kept.next_message_id, e.message_id + 1);
}

bool advance_stable_state(StableState& state, NodeId self, const Effects& fx, const LogicalEvent* last) {
  bool changed = false;
  for (const Note& n : fx.notes()) {
    if (const auto number = election_started_by(n, self); number && *number > state.elections_started) {
      state.elections_started = *number;
      changed = true;
    }
  }
  // A node's events have strictly rising Lamport times: an equal or older one was kept already.
  if (last != nullptr && last->lamport > state.logical.lamport) {
    keep_logical_state(state.logical, *last);
    changed = true;
  }
  return changed;
}

}  // namespace clocksim
