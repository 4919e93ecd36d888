#include "algorithms/core/layers.hpp"

namespace clocksim {

bool is_election_message(MsgType t) {
  const auto v = static_cast<std::uint8_t>(t);
  return (v >= 10 && v < 30) || (v >= 30 && v < 60);  // TSP, Bully, Ring, heartbeat, leave
}

}  // namespace clocksim
