// Which ring messages a node has already passed on, so that each election travels the ring once.
//
// A ring message is named by its initiator, the initiator's incarnation stamp and its election
// number. Copies multiply: a hop re-sent after a lost acknowledgement arrives twice, and a hop
// skipped as dead when it was only slow (a hop timeout shorter than the round trip) goes on both
// from the slow node and from the one that skipped it. Within one incarnation an initiator's
// numbers only grow and it abandons its older elections, so a copy numbered at or below the
// highest seen from that incarnation is stale, not only an exact repeat. Keeping only the exact
// last copy let two elections of one initiator displace each other at every node and circle the
// ring again each time: a storm that grows without bound.
//
// Stamps are random, so incarnations have no order: the last few stamps of each initiator are
// remembered, each with its highest number, newest first, so that the late copies of a run
// before a restart are stale too.
#pragma once

#include <array>
#include <cstdint>
#include <map>

#include "algorithms/core/ids.hpp"

namespace clocksim::election {

class RingCopies {
 public:
  // Incarnations remembered per initiator: a restart's predecessor's copies die out within a few
  // hop timeouts, long before this many further restarts.
  static constexpr std::size_t kIncarnations = 4;

  // True, and remembered, when (stamp, number) is newer than every copy seen from `initiator`'s
  // incarnation `stamp`; false for a repeat or an older election of that incarnation.
  bool first_sight(NodeId initiator, std::int64_t stamp, std::uint32_t number);

 private:
  struct Seen {
    std::int64_t stamp = 0;
    std::uint32_t number = 0;
    bool used = false;
  };
  std::map<NodeId, std::array<Seen, kIncarnations>> seen_;
};

}  // namespace clocksim::election
