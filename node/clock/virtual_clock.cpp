#include "node/clock/virtual_clock.hpp"

namespace clocksim::node {

namespace {
LinearClock start_clock(const VirtualClockParams& params, TimeSource& source) {
  const std::int64_t mono = source.monotonic_ns();
  return LinearClock(mono, source.realtime_ns() + params.initial_offset.ns(), params.drift_ppm, params.max_slew_ppm);
}
}  // namespace

VirtualClock::VirtualClock(const VirtualClockParams& params, TimeSource& source)
    : source_(source), linear_(start_clock(params, source)) {}

LocalTime VirtualClock::now() { return LocalTime::from_ns(linear_.local_ns(source_.monotonic_ns())); }

void VirtualClock::step(Duration delta) { linear_.step(delta); }

void VirtualClock::slew(Duration delta) { linear_.slew(source_.monotonic_ns(), delta); }

void VirtualClock::set_rate_correction_ppm(double ppm) { linear_.set_rate_correction_ppm(source_.monotonic_ns(), ppm); }

Duration VirtualClock::monotonic_span(Duration local_span) {
  return linear_.reference_span(source_.monotonic_ns(), local_span);
}

Duration VirtualClock::offset_from_system() {
  const std::int64_t m = source_.monotonic_ns();
  const std::int64_t r = source_.realtime_ns();
  return Duration::from_ns(linear_.local_ns(m) - r);
}

Duration VirtualClock::pending_slew() { return linear_.pending_slew(source_.monotonic_ns()); }

}  // namespace clocksim::node
