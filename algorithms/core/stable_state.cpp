#include "algorithms/core/stable_state.hpp"

#include <algorithm>

namespace clocksim {

void keep_logical_state(LogicalState& kept, const LogicalEvent& e) {
  kept.lamport = e.lamport;
  kept.vector = e.vector;
  if (e.kind == LogicalEvent::Kind::kSend) kept.next_message_id = std::max(kept.next_message_id, e.message_id + 1);
}

bool later_than_kept(const LogicalState& kept, const LogicalEvent& e) {
  if (e.lamport != kept.lamport) return e.lamport > kept.lamport;
  // A node's events have rising Lamport times until the clock reaches the end of its range
  // (kMaxLogicalTime in algorithms/logical/vector_clock.hpp: a member can put it there with one
  // stamp), where later events share the time. There an event is still later than the kept one
  // when it moved the vector clock (whose entries never go back) or sent past the kept message
  // id; the kept event reported again does neither. Judged by the Lamport time alone, nothing
  // after that stamp would be kept, and a restart would reuse every message id sent since.
  if (e.vector != kept.vector && e.vector.size() == kept.vector.size()) return true;
  return e.kind == LogicalEvent::Kind::kSend && std::uint64_t{e.message_id} + 1 > kept.next_message_id;
}

bool advance_stable_state(StableState& state, NodeId self, const Effects& fx, const LogicalEvent* last) {
  bool changed = false;
  for (const Note& n : fx.notes()) {
    if (const auto number = election_started_by(n, self); number && *number > state.elections_started) {
      state.elections_started = *number;
      changed = true;
    }
  }
  if (last != nullptr && later_than_kept(state.logical, *last)) {
    keep_logical_state(state.logical, *last);
    changed = true;
  }
  return changed;
}

}  // namespace clocksim
