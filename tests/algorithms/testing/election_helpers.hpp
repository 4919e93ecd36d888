// Shared helpers for election tests: building machines with test parameters, and reading back
// what a machine asked for.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "algorithms/core/algorithm.hpp"
#include "algorithms/core/layers.hpp"
#include "algorithms/election/common/election_setup.hpp"
#include "algorithms/election/election_factory.hpp"
#include "tests/algorithms/testing/note_match.hpp"

namespace clocksim::testing {

inline std::shared_ptr<const std::vector<NodeId>> members(std::size_t n) {
  auto v = std::make_shared<std::vector<NodeId>>();
  for (NodeId i = 0; i < n; ++i) v->push_back(i);
  return v;
}

inline election::ElectionSetup setup_for(const std::string& kind, NodeId self, std::size_t n, std::uint64_t seed = 1) {
  election::ElectionSetup s;
  s.membership.self = self;
  s.membership.members = members(n);
  s.seed = seed * 1000003ULL + self;
  for (const auto& k : election::election_kinds()) {
    if (k.kind == kind) s.params = ParamSet::defaults(*k.params);
  }
  return s;
}

inline std::vector<Message> sends_of(const Effects& out, MsgType type, NodeId to = kNoNode) {
  std::vector<Message> v;
  for (const auto& s : out.sends()) {
    if (s.msg.type == type && (to == kNoNode || s.to == to)) v.push_back(s.msg);
  }
  return v;
}

inline bool has_timer(const Effects& out, TimerId id) {
  for (const auto& t : out.timers()) {
    if (t.id == id && !t.cancel) return true;
  }
  return false;
}

inline const TimerEffect* find_timer(const Effects& out, TimerId id) {
  const TimerEffect* found = nullptr;
  for (const auto& t : out.timers()) {
    if (t.id == id) found = &t;
  }
  return found;
}

inline bool has_note(const Effects& out, const Note& pattern) {
  for (const auto& n : out.notes()) {
    if (note_matches(n, pattern)) return true;
  }
  return false;
}

inline bool has_note(const Effects& out, EventKind kind) {
  for (const auto& n : out.notes()) {
    if (n.kind() == kind) return true;
  }
  return false;
}

// An election's timer by its local id (TimerSpace part kElectionTimerPart).
inline TimerId election_timer(std::uint32_t local) { return TimerSpace::make(kElectionTimerPart, local); }

// A local clock reading `d` after the epoch.
inline LocalTime at(Duration d) { return LocalTime::from_ns(d.ns()); }

// The LEAVE a node says on a graceful shutdown.
inline Message leave_from(NodeId leaver) {
  Message m = make_message(MsgType::kLeave);
  m.subject = leaver;
  return m;
}

}  // namespace clocksim::testing
