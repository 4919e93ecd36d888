#include "algorithms/election/ring/ring_copies.hpp"

#include <algorithm>

namespace clocksim::election {

bool RingCopies::first_sight(NodeId initiator, std::int64_t stamp, std::uint32_t number) {
  auto& list = seen_[initiator];
  auto it = std::find_if(list.begin(), list.end(), [&](const Seen& s) { return s.used && s.stamp == stamp; });
  if (it != list.end()) {
    if (number <= it->number) return false;
    it->number = number;
  } else {
    // A stamp not seen lately: a new incarnation. It takes the oldest entry's place.
    it = list.end() - 1;
    *it = Seen{stamp, number, true};
  }
  // The incarnation heard last goes first, so the one evicted is the one heard least recently.
  std::rotate(list.begin(), it, it + 1);
  return true;
}

}  // namespace clocksim::election
