#include "node/clock/virtual_clock.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

#include "algorithms/core/checked_math.hpp"
#include "algorithms/core/number_text.hpp"

namespace clocksim::node {

namespace {
LinearClock start_clock(const VirtualClockParams& params, TimeSource& source) {
  const std::int64_t mono = source.monotonic_now().ns();
  // Saturated: an absurd configured offset reads as the end of time, which the sanity limits then
  // refuse to move further; it does not wrap.
  return LinearClock(mono, sat_add(source.wall_now().ns(), params.initial_offset.ns()), params.drift_ppm,
                     params.max_slew_ppm);
}
}  // namespace

namespace {
const VirtualClockParams& checked(const VirtualClockParams& params) {
  if (!(std::abs(params.drift_ppm) <= VirtualClock::kMaxAbsRatePpm)) {
    throw std::invalid_argument("virtual clock drift of " + number_text(params.drift_ppm) + " ppm is out of range");
  }
  if (!(params.max_slew_ppm >= 0 && params.max_slew_ppm <= VirtualClock::kMaxSlewPpm)) {
    throw std::invalid_argument("virtual clock slew rate of " + number_text(params.max_slew_ppm) + " ppm is out of range");
  }
  return params;
}
}  // namespace

VirtualClock::VirtualClock(const VirtualClockParams& params, TimeSource& source)
    : source_(source), linear_(start_clock(checked(params), source)) {}

LocalTime VirtualClock::now() { return LocalTime::from_ns(linear_.local_ns(source_.monotonic_now().ns())); }

namespace {
// The sanity limits (clock_guard.hpp) refuse these long before; this is the last net, so that
// no host (a test, a future caller) can wrap the reading or stop the clock.
void check_sum(std::int64_t now_ns, Duration delta, const char* what) {
  std::int64_t r = 0;
  if (__builtin_add_overflow(now_ns, delta.ns(), &r)) {
    throw std::overflow_error(std::string(what) + " of " + std::to_string(delta.ns()) + " ns would overflow the clock reading");
  }
}
}  // namespace

void VirtualClock::step(Duration delta) {
  check_sum(now().ns(), delta, "step");
  linear_.step(delta);
}

void VirtualClock::slew(Duration delta) {
  check_sum(now().ns(), delta, "slew");
  linear_.slew(source_.monotonic_now().ns(), delta);
}

void VirtualClock::set_rate_correction_ppm(double ppm) {
  // A rate at or beyond -1e6 ppm would stop or reverse the clock and make every timer due at once.
  if (!std::isfinite(ppm) || std::abs(ppm) >= kMaxAbsRatePpm) {
    throw std::invalid_argument("rate correction of " + number_text(ppm) + " ppm is out of range");
  }
  linear_.set_rate_correction_ppm(source_.monotonic_now().ns(), ppm);
}

Duration VirtualClock::monotonic_span(Duration local_span) {
  return linear_.reference_span(source_.monotonic_now().ns(), local_span);
}

Duration VirtualClock::offset_from_system() {
  return LocalTime::from_ns(linear_.local_ns(source_.monotonic_now().ns())) - LocalTime::from_ns(source_.wall_now().ns());
}

Duration VirtualClock::pending_slew() { return linear_.pending_slew(source_.monotonic_now().ns()); }

}  // namespace clocksim::node
