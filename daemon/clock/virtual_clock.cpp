#include "daemon/clock/virtual_clock.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace clocksim::daemon {

VirtualClock::VirtualClock(const VirtualClockParams& params, TimeSource& source)
    : source_(source), drift_ppm_(params.drift_ppm), max_slew_ppm_(params.max_slew_ppm) {
  m0_ns_ = source_.monotonic_ns();
  l0_ns_ = source_.realtime_ns() + params.initial_offset.ns();
  slew_start_ns_ = m0_ns_;
}

double VirtualClock::slew_done_ns(std::int64_t m) const {
  if (slew_total_ns_ == 0) return 0;
  const double possible = static_cast<double>(m - slew_start_ns_) * max_slew_ppm_ * 1e-6;
  const double done = std::min(std::abs(slew_total_ns_), possible);
  return slew_total_ns_ < 0 ? -done : done;
}

std::int64_t VirtualClock::local_ns(std::int64_t m) const {
  const double elapsed = static_cast<double>(m - m0_ns_);
  const double rate = 1.0 + (drift_ppm_ + correction_ppm_) * 1e-6;
  return l0_ns_ + std::llround(elapsed * rate + slew_done_ns(m));
}

void VirtualClock::rebase(std::int64_t m) {
  const double done = slew_done_ns(m);
  l0_ns_ = local_ns(m);
  m0_ns_ = m;
  slew_total_ns_ -= done;
  slew_start_ns_ = m;
}

LocalTime VirtualClock::now() { return LocalTime::from_ns(local_ns(source_.monotonic_ns())); }

void VirtualClock::step(Duration delta) {
  const std::int64_t m = source_.monotonic_ns();
  std::int64_t stepped = 0;
  if (__builtin_add_overflow(local_ns(m), delta.ns(), &stepped)) {
    throw std::overflow_error("step of " + std::to_string(delta.ns()) + " ns would overflow the clock reading");
  }
  rebase(m);
  l0_ns_ += delta.ns();
}

void VirtualClock::slew(Duration delta) {
  const std::int64_t m = source_.monotonic_ns();
  std::int64_t target = 0;
  if (__builtin_add_overflow(local_ns(m), delta.ns(), &target)) {
    throw std::overflow_error("slew of " + std::to_string(delta.ns()) + " ns would overflow the clock reading");
  }
  rebase(m);
  // adjtime(2): what was slewed so far stays; the unfinished remainder is replaced.
  slew_total_ns_ = static_cast<double>(delta.ns());
  if (max_slew_ppm_ <= 0) {  // a clock that cannot slew applies the change at once
    l0_ns_ += delta.ns();
    slew_total_ns_ = 0;
  }
}

void VirtualClock::set_rate_correction_ppm(double ppm) {
  // A rate at or beyond -1e6 ppm would stop or reverse the clock and make every timer due at
  // once; the sanity limits (clock_guard.hpp) keep rates far smaller, this is the last net.
  if (!std::isfinite(ppm) || std::abs(drift_ppm_ + ppm) >= kMaxAbsRatePpm) {
    throw std::invalid_argument("rate correction of " + std::to_string(ppm) + " ppm is out of range");
  }
  rebase(source_.monotonic_ns());
  correction_ppm_ = ppm;
}

Duration VirtualClock::monotonic_span(Duration local_span) {
  double rate_ppm = drift_ppm_ + correction_ppm_;
  const std::int64_t m = source_.monotonic_ns();
  if (std::abs(slew_done_ns(m)) < std::abs(slew_total_ns_)) {
    rate_ppm += slew_total_ns_ < 0 ? -max_slew_ppm_ : max_slew_ppm_;
  }
  const double span = static_cast<double>(local_span.ns()) / (1.0 + rate_ppm * 1e-6);
  return Duration::from_ns(std::llround(std::max(0.0, span)));
}

Duration VirtualClock::offset_from_system() {
  const std::int64_t m = source_.monotonic_ns();
  const std::int64_t r = source_.realtime_ns();
  return Duration::from_ns(local_ns(m) - r);
}

Duration VirtualClock::pending_slew() {
  const std::int64_t m = source_.monotonic_ns();
  return Duration::from_ns(std::llround(slew_total_ns_ - slew_done_ns(m)));
}

}  // namespace clocksim::daemon
