// Which election a note or a message belongs to: the node that started it and that node's own
// election number, written "n6#2" (n6's second election) once names are applied at output.
//
// The number counts the elections an initiator has started over its whole life, crashes and
// restarts included, so an id names one election only. Across a restart the count is carried by
// the host, as Raft keeps currentTerm on stable storage (ElectionSetup::elections_before): the
// simulator hands a restarted node the highest number its earlier incarnations used. clocksyncd
// keeps no state on disk and starts at 1 in every process; there the wire header's sender epoch
// (node/wire/format.hpp) tells two processes' elections apart.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "algorithms/core/ids.hpp"
#include "algorithms/core/message.hpp"

namespace clocksim {

struct ElectionId {
  NodeId initiator = kNoNode;
  std::uint32_t number = 0;  // 1 for the initiator's first election

  friend bool operator==(const ElectionId&, const ElectionId&) = default;
};

// "n6#2", with the initiator's name as the caller writes it.
inline std::string election_id_text(const ElectionId& id, const std::string& initiator_name) {
  return initiator_name + "#" + std::to_string(id.number);
}

// The election a message sent from `from` to `to` belongs to, read from its fields as the
// election layers fill them (nullopt for other messages, and for a master that won none):
// ELECTION of TSP and Bully {from, term}; ACCEPT, REFUSE {subject, term}; OK {to, term};
// COORDINATOR and MASTERUP, the election their sender won, {from, term}; the ring's ELECTION
// and ELECTED {value_ns, term}. messages.csv writes it in its `election` column.
std::optional<ElectionId> election_of_message(NodeId from, NodeId to, const Message& msg);

}  // namespace clocksim
