// Matching notes by their fields: a pattern is a Note whose set fields must all be equal (what
// always; why, subject, peer, election, round, seq, message, value_ns, count, total when set).
#pragma once

#include "algorithms/core/note.hpp"

namespace clocksim::testing {

inline bool note_matches(const Note& n, const Note& pattern) {
  if (n.what != pattern.what) return false;
  if (pattern.why != NoteWhy::kNone && n.why != pattern.why) return false;
  if (pattern.subject != kNoNode && n.subject != pattern.subject) return false;
  if (pattern.peer != kNoNode && n.peer != pattern.peer) return false;
  if (pattern.election && n.election != pattern.election) return false;
  if (pattern.round && n.round != pattern.round) return false;
  if (pattern.seq && n.seq != pattern.seq) return false;
  if (pattern.message != MsgType::kNone && n.message != pattern.message) return false;
  if (pattern.value_ns && n.value_ns != pattern.value_ns) return false;
  if (pattern.count && n.count != pattern.count) return false;
  if (pattern.total && n.total != pattern.total) return false;
  return true;
}

}  // namespace clocksim::testing
