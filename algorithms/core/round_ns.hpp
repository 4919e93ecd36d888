// Rounding a double count of nanoseconds to the nearest whole one, as std::llround does, without
// its library call: clock readings and every message's link latency round once each.
#pragma once

#include <cstdint>

#include "algorithms/core/time.hpp"

namespace clocksim {

// Nearest ns, half away from zero: std::llround, bit for bit, inside the int64 range. Exact: for
// |ns| < 2^53 both the truncation and ns minus it are exact, and beyond that ns is already whole.
// Outside the int64 range (and NaN), saturated.
inline std::int64_t round_ns_half_away(double ns) {
  if (!(ns < 9.2e18 && ns > -9.2e18)) return Duration::from_ns_rounded(ns).ns();
  const auto whole = static_cast<std::int64_t>(ns);  // toward zero
  const double fraction = ns - static_cast<double>(whole);
  return fraction >= 0.5 ? whole + 1 : (fraction <= -0.5 ? whole - 1 : whole);
}

}  // namespace clocksim
