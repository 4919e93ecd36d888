// The host's two time axes as types, apart from each other and from LocalTime (what the node's
// adjustable clock reads):
//   MonoTime  CLOCK_MONOTONIC: timer deadlines, uptime, rate limits. It never jumps, so a deadline
//             on it holds whatever the clocks are stepped to;
//   WallTime  CLOCK_REALTIME: the system clock's reading (start-up epochs, the reference clock).
// Adding a wall-clock reading to a deadline, or comparing a monotonic instant with a local
// reading, does not compile; crossing axes takes an explicit from_ns(x.ns()) at the one place
// that means it (a simulator whose monotonic and wall axes are both its true time).
#pragma once

#include "algorithms/core/time.hpp"

namespace clocksim::node {

struct MonotonicClockTag {};
using MonoTime = Instant<MonotonicClockTag>;

struct WallClockTag {};
using WallTime = Instant<WallClockTag>;

}  // namespace clocksim::node
