// Strong time types over int64 nanoseconds.
//
// Duration is a span; Instant<Tag> is a point on one particular time axis. An algorithm only ever
// sees LocalTime (what its own clock reads); the simulator's true time is sim::Time, an Instant with
// another tag, so mixing the two does not compile (the absl::Time/Duration idea).
#pragma once

#include <compare>
#include <cstdint>
#include <limits>

namespace clocksim {

class Duration {
 public:
  constexpr Duration() = default;
  static constexpr Duration from_ns(std::int64_t ns) { return Duration(ns); }
  static constexpr Duration zero() { return Duration(0); }
  static constexpr Duration max() { return Duration(std::numeric_limits<std::int64_t>::max()); }
  // Rounds to the nearest nanosecond (half away from zero).
  static constexpr Duration from_seconds(double s) {
    const double ns = s * 1e9;
    return Duration(static_cast<std::int64_t>(ns < 0 ? ns - 0.5 : ns + 0.5));
  }

  constexpr std::int64_t ns() const { return ns_; }
  constexpr double seconds() const { return static_cast<double>(ns_) * 1e-9; }
  constexpr double milliseconds() const { return static_cast<double>(ns_) * 1e-6; }

  constexpr Duration operator-() const { return Duration(-ns_); }
  constexpr Duration& operator+=(Duration d) { ns_ += d.ns_; return *this; }
  constexpr Duration& operator-=(Duration d) { ns_ -= d.ns_; return *this; }
  friend constexpr Duration operator+(Duration a, Duration b) { return Duration(a.ns_ + b.ns_); }
  friend constexpr Duration operator-(Duration a, Duration b) { return Duration(a.ns_ - b.ns_); }
  friend constexpr Duration operator*(Duration a, std::int64_t k) { return Duration(a.ns_ * k); }
  friend constexpr Duration operator*(std::int64_t k, Duration a) { return Duration(a.ns_ * k); }
  friend constexpr Duration operator/(Duration a, std::int64_t k) { return Duration(a.ns_ / k); }
  friend constexpr std::int64_t operator/(Duration a, Duration b) { return a.ns_ / b.ns_; }
  friend constexpr auto operator<=>(Duration, Duration) = default;

 private:
  constexpr explicit Duration(std::int64_t ns) : ns_(ns) {}
  std::int64_t ns_ = 0;
};

constexpr Duration abs(Duration d) { return d < Duration::zero() ? -d : d; }

// A point in time on the axis named by Tag. Instant - Instant = Duration; there is no
// Instant + Instant.
template <class Tag>
class Instant {
 public:
  constexpr Instant() = default;
  static constexpr Instant from_ns(std::int64_t ns) { return Instant(ns); }
  static constexpr Instant epoch() { return Instant(0); }
  static constexpr Instant max() { return Instant(std::numeric_limits<std::int64_t>::max()); }

  constexpr std::int64_t ns() const { return ns_; }
  constexpr double seconds() const { return static_cast<double>(ns_) * 1e-9; }

  constexpr Instant& operator+=(Duration d) { ns_ += d.ns(); return *this; }
  constexpr Instant& operator-=(Duration d) { ns_ -= d.ns(); return *this; }
  friend constexpr Instant operator+(Instant t, Duration d) { return Instant(t.ns_ + d.ns()); }
  friend constexpr Instant operator+(Duration d, Instant t) { return Instant(t.ns_ + d.ns()); }
  friend constexpr Instant operator-(Instant t, Duration d) { return Instant(t.ns_ - d.ns()); }
  friend constexpr Duration operator-(Instant a, Instant b) { return Duration::from_ns(a.ns_ - b.ns_); }
  friend constexpr auto operator<=>(Instant, Instant) = default;

 private:
  constexpr explicit Instant(std::int64_t ns) : ns_(ns) {}
  std::int64_t ns_ = 0;
};

struct LocalClockTag {};
// What a node's own clock reads: the only time an algorithm ever sees.
using LocalTime = Instant<LocalClockTag>;

namespace literals {
constexpr Duration operator""_ns(unsigned long long v) { return Duration::from_ns(static_cast<std::int64_t>(v)); }
constexpr Duration operator""_us(unsigned long long v) { return Duration::from_ns(static_cast<std::int64_t>(v) * 1'000); }
constexpr Duration operator""_ms(unsigned long long v) { return Duration::from_ns(static_cast<std::int64_t>(v) * 1'000'000); }
constexpr Duration operator""_s(unsigned long long v) { return Duration::from_ns(static_cast<std::int64_t>(v) * 1'000'000'000); }
constexpr Duration operator""_min(unsigned long long v) { return Duration::from_ns(static_cast<std::int64_t>(v) * 60'000'000'000); }
constexpr Duration operator""_h(unsigned long long v) { return Duration::from_ns(static_cast<std::int64_t>(v) * 3'600'000'000'000); }
}  // namespace literals

}  // namespace clocksim
