// Overflow-safe integer nanosecond arithmetic for values that may come from the network, and the
// saturating primitives of Duration and Instant (time.hpp). Signed
// overflow is undefined behaviour in C++, and a hostile timestamp of INT64_MAX must not wrap a
// clock by 292 years: these saturate instead, so a nonsense value stays a huge value that the
// sanity limits (clock_guard.hpp) then refuse.
#pragma once

#include <cstdint>
#include <limits>

namespace clocksim {

constexpr std::int64_t sat_add(std::int64_t a, std::int64_t b) {
  std::int64_t r = 0;
  if (__builtin_add_overflow(a, b, &r)) {
    return b > 0 ? std::numeric_limits<std::int64_t>::max() : std::numeric_limits<std::int64_t>::min();
  }
  return r;
}

constexpr std::int64_t sat_sub(std::int64_t a, std::int64_t b) {
  std::int64_t r = 0;
  if (__builtin_sub_overflow(a, b, &r)) {
    return b < 0 ? std::numeric_limits<std::int64_t>::max() : std::numeric_limits<std::int64_t>::min();
  }
  return r;
}

constexpr std::int64_t sat_mul(std::int64_t a, std::int64_t b) {
  std::int64_t r = 0;
  if (__builtin_mul_overflow(a, b, &r)) {
    return (a < 0) == (b < 0) ? std::numeric_limits<std::int64_t>::max() : std::numeric_limits<std::int64_t>::min();
  }
  return r;
}

constexpr std::uint64_t sat_add_u64(std::uint64_t a, std::uint64_t b) {
  std::uint64_t r = 0;
  return __builtin_add_overflow(a, b, &r) ? std::numeric_limits<std::uint64_t>::max() : r;
}

// |v| as unsigned: defined for INT64_MIN too (std::llabs is not).
constexpr std::uint64_t abs_u64(std::int64_t v) {
  return v < 0 ? std::uint64_t{0} - static_cast<std::uint64_t>(v) : static_cast<std::uint64_t>(v);
}

// |v| >= limit, for limit >= 0, without computing |v| in signed arithmetic.
constexpr bool abs_at_least(std::int64_t v, std::int64_t limit) {
  return abs_u64(v) >= static_cast<std::uint64_t>(limit < 0 ? 0 : limit);
}

}  // namespace clocksim
