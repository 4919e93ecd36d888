// What a node keeps on stable storage across a restart, and how a dispatch moves it on: the
// highest election number it started (Raft's currentTerm: ElectionSetup::elections_before), its
// logical clocks (LogicalState) and its clock guard's panic window (clock_guard.hpp, which the
// node loop keeps here itself, before each correction the window counts). Both hosts derive it the same way from what the algorithm
// reports: the simulator keeps it in memory for a node's next incarnation, clocksyncd in its
// state file (daemon/state), written before the dispatch's messages leave.
#pragma once

#include <cstdint>
#include <optional>

#include "algorithms/core/effects.hpp"
#include "algorithms/core/ids.hpp"
#include "algorithms/core/logical_event.hpp"
#include "algorithms/core/note.hpp"
#include "algorithms/core/panic_window.hpp"

namespace clocksim {

struct StableState {
  std::uint32_t elections_started = 0;
  LogicalState logical;
  // The corrections the clock guard counted in its panic window, so that a restart does not give
  // a liar a fresh budget.
  PanicWindowState clock_window;
  friend bool operator==(const StableState&, const StableState&) = default;
};

// The number of the election `note` shows `self` starting, if it does. Inline: the simulator
// asks it for every note of every node.
inline std::optional<std::uint32_t> election_started_by(const Note& note, NodeId self) {
  if (!note.election || note.election->initiator != self) return std::nullopt;
  return note.election->number;
}

// `kept` after the logical event `e` (the node's latest): its clocks, and the next message id
// past a send's.
void keep_logical_state(LogicalState& kept, const LogicalEvent& e);

// Whether `e` (a node's latest logical event) came after the event `kept` was taken from.
bool later_than_kept(const LogicalState& kept, const LogicalEvent& e);

// `state` after one dispatch of node `self`: its notes (`fx`) and its latest logical event
// (`last`, or null); whether it changed. Only moves forward: an old event reported again changes
// nothing.
bool advance_stable_state(StableState& state, NodeId self, const Effects& fx, const LogicalEvent* last);

}  // namespace clocksim
