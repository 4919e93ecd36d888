// Integer rounding rules timed applies to clock arithmetic.
#pragma once

#include <cstdint>

#include "algorithms/core/checked_math.hpp"

namespace clocksim::berkeley {

// 4.3BSD mstotvround: round to the nearest multiple of q; a remainder of at most half of q goes
// toward zero (with q = 5 ms: |r| <= 2 ms down, 3-4 ms up), so the error is at most q/2.
// q <= 0: no rounding.
constexpr std::int64_t round_to_quantum(std::int64_t x, std::int64_t q) {
  if (q <= 0) return x;
  const std::int64_t r = x % q;  // sign of x
  const std::int64_t base = x - r;
  const std::int64_t mag = r < 0 ? -r : r;
  if (mag <= q - mag) return base;  // 2·mag <= q without overflow
  return r < 0 ? sat_sub(base, q) : sat_add(base, q);
}

// Truncation toward zero to a multiple of `unit` (timed's integer milliseconds). unit <= 0: none.
constexpr std::int64_t truncate_to(std::int64_t x, std::int64_t unit) {
  if (unit <= 0) return x;
  return x - x % unit;
}

}  // namespace clocksim::berkeley
