// The narrative: one sentence per note, as events.log and the daemon log show it. This is the
// only place where notes become English; everything else passes the typed fields on.
#pragma once

#include <string>
#include <vector>

#include "algorithms/core/note.hpp"

namespace clocksim {

// Node names for the narrative: the scenario's names when given, "n<id>" otherwise.
class NodeNames {
 public:
  NodeNames() = default;
  explicit NodeNames(std::vector<std::string> names) : names_(std::move(names)) {}
  // "none" for kNoNode.
  std::string operator()(NodeId id) const;

 private:
  std::vector<std::string> names_;
};

// The sentence for `note`, without time and node ("becomes master (won election 3, 2 accepted)").
std::string note_text(const Note& note, const NodeNames& names);

}  // namespace clocksim
