// Node and timer identifiers shared by every algorithm, the simulator and the daemon.
#pragma once

#include <cstdint>
#include <limits>

namespace clocksim {

// Nodes are numbered 0..n-1 in a scenario ("n0", "n1", ...); the daemon maps its peers onto the
// same small integers, so an id fits the wire format's 32 bits.
using NodeId = std::uint32_t;
inline constexpr NodeId kNoNode = std::numeric_limits<NodeId>::max();
// Destination of a broadcast: every other member of the cluster.
inline constexpr NodeId kBroadcast = kNoNode - 1;

// Timers are named by the algorithm; arming an id that is pending replaces it. Composite
// algorithms give each part its own range (see TimerSpace).
using TimerId = std::uint32_t;

// Splits the TimerId space so that composed algorithms (e.g. an election plus Berkeley) never
// collide: part k owns ids [k << 24, (k + 1) << 24).
struct TimerSpace {
  static constexpr TimerId make(std::uint32_t part, std::uint32_t local) { return (part << 24) | (local & 0xFFFFFF); }
  static constexpr std::uint32_t part(TimerId id) { return id >> 24; }
  static constexpr std::uint32_t local(TimerId id) { return id & 0xFFFFFF; }
};

}  // namespace clocksim
