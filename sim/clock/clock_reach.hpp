// How far a simulated clock may be from true time and still be read in int64 nanoseconds: one
// rule for the loader, which checks what bounded distributions allow, and for the world, which
// checks each node's drawn values (a normal or Pareto law has no bound, and a draw beyond int64
// would turn into nonsense, a negative skew, without a word).
//
// A clock's offset can reach its initial offset, plus its rate error over the whole run, plus
// every clock step. Readings, differences of two readings and true time all have to fit, hence
// the run's duration plus three times that reach within int64's 292 years, less a margin.
#pragma once

#include <cmath>

namespace clocksim::sim {

inline constexpr double kClockRoomNs = 9.2e18;  // int64's 9.223e18, less a margin for slews and ticks

inline double clock_reach_ns(double offset_ns, double rate_ppm, double duration_ns, double steps_ns) {
  return std::fabs(offset_ns) + duration_ns * std::fabs(rate_ppm) * 1e-6 + steps_ns;
}

// NaN and infinities never fit.
inline bool clock_reach_fits(double reach_ns, double duration_ns) {
  return std::isfinite(reach_ns) && duration_ns + 3 * reach_ns <= kClockRoomNs;
}

}  // namespace clocksim::sim
