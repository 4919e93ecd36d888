// Seconds or nanoseconds as a double, to whole nanoseconds, the way a bound rounds: up (never
// below the truth by a rounding) or down (a start no later than the truth). Beyond the int64
// range (±inf included) the result saturates at Duration::max() / min(): a bound computed from
// absurd but accepted inputs (a clock resolution of 100 years) stays absurdly large, where a
// plain cast is undefined behaviour and on x86 wraps to -2^63, a negative bound every skew
// "exceeds" and every `max_skew: bound` check reads as met. NaN throws std::domain_error.
#pragma once

#include <cstdint>
#include <stdexcept>

#include "algorithms/core/time.hpp"

namespace clocksim::sim {

namespace saturated_detail {
// `ns` truncated toward zero, or the end of the range it lies beyond. Every double strictly
// inside ±2^63 truncates to an int64 without overflow, so the ends come only from saturation.
inline std::int64_t whole_toward_zero(double ns) {
  if (ns != ns) throw std::domain_error("time arithmetic: a duration of NaN");
  if (ns >= 9223372036854775808.0) return Duration::max().ns();
  if (ns <= -9223372036854775808.0) return Duration::min().ns();
  return static_cast<std::int64_t>(ns);
}
}  // namespace saturated_detail

inline Duration ceil_ns(double ns) {
  const std::int64_t t = saturated_detail::whole_toward_zero(ns);
  if (t == Duration::max().ns() || t == Duration::min().ns()) return Duration::from_ns(t);
  return Duration::from_ns(static_cast<double>(t) < ns ? t + 1 : t);
}

inline Duration floor_ns(double ns) {
  const std::int64_t t = saturated_detail::whole_toward_zero(ns);
  if (t == Duration::max().ns() || t == Duration::min().ns()) return Duration::from_ns(t);
  return Duration::from_ns(static_cast<double>(t) > ns ? t - 1 : t);
}

}  // namespace clocksim::sim
