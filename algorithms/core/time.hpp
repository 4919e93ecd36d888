// Strong time types over int64 nanoseconds.
//
// Duration is a span; Instant<Tag> is a point on one particular time axis. An algorithm only ever
// sees LocalTime (what its own clock reads); the simulator's true time is sim::Time, an Instant with
// another tag, so mixing the two does not compile (the absl::Time/Duration idea).
//
// Arithmetic never overflows silently. The policy, per operation:
//   saturating  + and - (Duration ± Duration, Instant ± Duration, Instant − Instant), unary −,
//               abs, Duration * integer, from_seconds: the result is clamped to
//               [Duration::min(), Duration::max()] (likewise for instants). Duration::max() and
//               Instant::max() stand for "never" (a deadline beyond any run, an unbounded latency),
//               and saturation keeps never never: max + 1 s is still max, not 292 years in the past.
//               A hostile or absurd input (a packet's timestamp, a configured 292-year offset) stays
//               an absurd value that the sanity limits (clock_guard.hpp) and config validation
//               refuse, instead of wrapping into a plausible small or negative one.
//   checked     division by zero (Duration / k, Duration / Duration) and from_seconds(NaN) are bugs
//               in the caller, with no sensible clamp: they throw std::domain_error rather than trap
//               or return garbage. checked_add / checked_sub / checked_mul return nullopt on
//               overflow, for callers to whom an overflow is an error to report (config values).
//   compile time the literals (1_s, 250_ms) are consteval: an out-of-range literal does not compile.
// Signed overflow is undefined behaviour in C++; none of these ever performs one.
#pragma once

#include <compare>
#include <cstdint>
#include <limits>
#include <optional>
#include <stdexcept>

#include "algorithms/core/checked_math.hpp"

namespace clocksim {

namespace time_detail {
inline constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
inline constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();

constexpr std::int64_t checked_div(std::int64_t a, std::int64_t k) {
  if (k == 0) throw std::domain_error("time arithmetic: division of a duration by zero");
  if (a == kMin && k == -1) return kMax;  // the one quotient beyond the range: saturated
  return a / k;
}
}  // namespace time_detail

class Duration {
 public:
  constexpr Duration() = default;
  static constexpr Duration from_ns(std::int64_t ns) { return Duration(ns); }
  static constexpr Duration zero() { return Duration(0); }
  static constexpr Duration max() { return Duration(time_detail::kMax); }
  static constexpr Duration min() { return Duration(time_detail::kMin); }
  // Rounds to the nearest nanosecond (half away from zero); saturates beyond the range (±inf
  // included); NaN throws std::domain_error.
  static constexpr Duration from_seconds(double s) { return from_ns_rounded(s * 1e9); }
  static constexpr Duration from_ns_rounded(double ns) {
    if (ns != ns) throw std::domain_error("time arithmetic: a duration of NaN");
    // 2^63 is exactly representable; every double below it converts without overflow.
    if (ns >= 9223372036854775808.0) return max();
    if (ns <= -9223372036854775808.0) return min();
    const double r = ns < 0 ? ns - 0.5 : ns + 0.5;
    if (r >= 9223372036854775808.0) return max();
    if (r <= -9223372036854775808.0) return min();
    return Duration(static_cast<std::int64_t>(r));
  }

  constexpr std::int64_t ns() const { return ns_; }
  constexpr double seconds() const { return static_cast<double>(ns_) * 1e-9; }
  constexpr double milliseconds() const { return static_cast<double>(ns_) * 1e-6; }

  constexpr Duration operator-() const { return Duration(sat_sub(0, ns_)); }
  constexpr Duration& operator+=(Duration d) { return *this = *this + d; }
  constexpr Duration& operator-=(Duration d) { return *this = *this - d; }
  friend constexpr Duration operator+(Duration a, Duration b) { return Duration(sat_add(a.ns_, b.ns_)); }
  friend constexpr Duration operator-(Duration a, Duration b) { return Duration(sat_sub(a.ns_, b.ns_)); }
  friend constexpr Duration operator*(Duration a, std::int64_t k) { return Duration(sat_mul(a.ns_, k)); }
  friend constexpr Duration operator*(std::int64_t k, Duration a) { return a * k; }
  friend constexpr Duration operator/(Duration a, std::int64_t k) { return Duration(time_detail::checked_div(a.ns_, k)); }
  friend constexpr std::int64_t operator/(Duration a, Duration b) { return time_detail::checked_div(a.ns_, b.ns_); }
  friend constexpr auto operator<=>(Duration, Duration) = default;

 private:
  constexpr explicit Duration(std::int64_t ns) : ns_(ns) {}
  std::int64_t ns_ = 0;
};

constexpr Duration abs(Duration d) { return d < Duration::zero() ? -d : d; }

// For callers to whom overflow is an error to report, not a value to clamp.
constexpr std::optional<Duration> checked_add(Duration a, Duration b) {
  std::int64_t r = 0;
  if (__builtin_add_overflow(a.ns(), b.ns(), &r)) return std::nullopt;
  return Duration::from_ns(r);
}
constexpr std::optional<Duration> checked_sub(Duration a, Duration b) {
  std::int64_t r = 0;
  if (__builtin_sub_overflow(a.ns(), b.ns(), &r)) return std::nullopt;
  return Duration::from_ns(r);
}
constexpr std::optional<Duration> checked_mul(Duration a, std::int64_t k) {
  std::int64_t r = 0;
  if (__builtin_mul_overflow(a.ns(), k, &r)) return std::nullopt;
  return Duration::from_ns(r);
}

// A point in time on the axis named by Tag. Instant - Instant = Duration; there is no
// Instant + Instant.
template <class Tag>
class Instant {
 public:
  constexpr Instant() = default;
  static constexpr Instant from_ns(std::int64_t ns) { return Instant(ns); }
  static constexpr Instant epoch() { return Instant(0); }
  static constexpr Instant max() { return Instant(time_detail::kMax); }
  static constexpr Instant min() { return Instant(time_detail::kMin); }

  constexpr std::int64_t ns() const { return ns_; }
  constexpr double seconds() const { return static_cast<double>(ns_) * 1e-9; }

  constexpr Instant& operator+=(Duration d) { return *this = *this + d; }
  constexpr Instant& operator-=(Duration d) { return *this = *this - d; }
  friend constexpr Instant operator+(Instant t, Duration d) { return Instant(sat_add(t.ns_, d.ns())); }
  friend constexpr Instant operator+(Duration d, Instant t) { return t + d; }
  friend constexpr Instant operator-(Instant t, Duration d) { return Instant(sat_sub(t.ns_, d.ns())); }
  friend constexpr Duration operator-(Instant a, Instant b) { return Duration::from_ns(sat_sub(a.ns_, b.ns_)); }
  friend constexpr auto operator<=>(Instant, Instant) = default;

 private:
  constexpr explicit Instant(std::int64_t ns) : ns_(ns) {}
  std::int64_t ns_ = 0;
};

struct LocalClockTag {};
// What a node's own clock reads: the only time an algorithm ever sees.
using LocalTime = Instant<LocalClockTag>;

namespace literals {
namespace detail {
consteval Duration literal(unsigned long long v, std::int64_t unit_ns) {
  // Reached only in constant evaluation: an out-of-range literal is a compile error.
  if (v > static_cast<unsigned long long>(time_detail::kMax / unit_ns)) throw "duration literal out of range";
  return Duration::from_ns(static_cast<std::int64_t>(v) * unit_ns);
}
}  // namespace detail
consteval Duration operator""_ns(unsigned long long v) { return detail::literal(v, 1); }
consteval Duration operator""_us(unsigned long long v) { return detail::literal(v, 1'000); }
consteval Duration operator""_ms(unsigned long long v) { return detail::literal(v, 1'000'000); }
consteval Duration operator""_s(unsigned long long v) { return detail::literal(v, 1'000'000'000); }
consteval Duration operator""_min(unsigned long long v) { return detail::literal(v, 60'000'000'000); }
consteval Duration operator""_h(unsigned long long v) { return detail::literal(v, 3'600'000'000'000); }
}  // namespace literals

}  // namespace clocksim
