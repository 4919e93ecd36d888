// Seconds or nanoseconds as a double, to whole nanoseconds, the way a bound rounds: up (never
// below the truth by a rounding) or down (a start no later than the truth). Beyond the int64
// range (±inf included) the result saturates at Duration::max() / min(): a bound computed from
// absurd but accepted inputs (a clock resolution of 100 years) stays absurdly large, where a
// plain cast is undefined behaviour and on x86 wraps to -2^63, a negative bound every skew
// "exceeds" and every `max_skew: bound` check reads as met. NaN throws std::domain_error.
#pragma once

#include <cmath>
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

// floor(k · d), exact, for a duration d >= 0 and a factor k > 0 ("max_skew: 1.5 * bound"). The
// product taken in doubles rounds d to 53 bits first: past 2^53 ns (104 days) `1 * bound` came out
// below the bound itself. A double k is m · 2^e with an integer m < 2^53, so m · d fits in 128
// bits and the power of two is a shift. Saturates at Duration::max(); a negative d is 0.
inline Duration floor_scaled_ns(Duration d, double k) {
  __extension__ using Wide = unsigned __int128;  // GCC/Clang; __extension__ keeps -Wpedantic quiet
  if (k != k) throw std::domain_error("time arithmetic: a factor of NaN");
  if (d.ns() <= 0 || k <= 0) return Duration::zero();
  if (k == 1.0) return d;
  if (std::isinf(k)) return Duration::max();
  int e = 0;
  const double fraction = std::frexp(k, &e);  // k = fraction · 2^e, fraction in [0.5, 1)
  const auto m = static_cast<std::uint64_t>(std::ldexp(fraction, 53));  // exact: 53 bits
  Wide product = static_cast<Wide>(m) * static_cast<std::uint64_t>(d.ns());
  const int shift = e - 53;
  constexpr Wide kMax = static_cast<Wide>(Duration::max().ns());
  if (shift >= 0) {
    if (shift >= 64 || product > (kMax >> shift)) return Duration::max();
    product <<= shift;
  } else {
    product = -shift >= 128 ? 0 : product >> -shift;
  }
  return product > kMax ? Duration::max() : Duration::from_ns(static_cast<std::int64_t>(product));
}

}  // namespace clocksim::sim
