#include "algorithms/core/linear_clock.hpp"

#include <cassert>
#include <cmath>

#include "algorithms/core/checked_math.hpp"

namespace clocksim {

LinearClock::LinearClock(std::int64_t ref0_ns, std::int64_t local0_ns, double hardware_ppm, double max_slew_ppm)
    : ref0_ns_(ref0_ns),
      local0_ns_(local0_ns),
      hardware_ppm_(hardware_ppm),
      max_slew_ppm_(max_slew_ppm),
      slew_start_ns_(ref0_ns) {}

void LinearClock::rebase(std::int64_t ref_ns) {
  assert(ref_ns >= ref0_ns_);
  const std::int64_t dt = ref_ns - ref0_ns_;
  local0_ns_ = sat_add(sat_add(local0_ns_, dt), round_ns_half_away(static_cast<double>(dt) * rate_ppm() * 1e-6));
  ref0_ns_ = ref_ns;
}

void LinearClock::step(Duration delta) { local0_ns_ = sat_add(local0_ns_, delta.ns()); }

void LinearClock::slew(std::int64_t ref_ns, Duration delta) {
  local0_ns_ = sat_add(local0_ns_, round_ns_half_away(slew_done_ns(ref_ns)));
  slew_start_ns_ = ref_ns;
  slew_total_ns_ = static_cast<double>(delta.ns());
  if (max_slew_ppm_ <= 0) {  // a clock that cannot slew applies the change at once
    local0_ns_ = sat_add(local0_ns_, delta.ns());
    slew_total_ns_ = 0;
  }
}

void LinearClock::set_rate_correction_ppm(std::int64_t ref_ns, double ppm) {
  rebase(ref_ns);
  correction_ppm_ = ppm;
}

void LinearClock::set_hardware_ppm(std::int64_t ref_ns, double ppm) {
  rebase(ref_ns);
  hardware_ppm_ = ppm;
}

Duration LinearClock::pending_slew(std::int64_t ref_ns) const {
  return Duration::from_ns(round_ns_half_away(slew_total_ns_ - slew_done_ns(ref_ns)));
}

Duration LinearClock::reference_span(std::int64_t ref_ns, Duration local_span, double extra_rate_ppm) const {
  if (local_span <= Duration::zero()) return Duration::zero();
  double rate = rate_ppm();
  rate += extra_rate_ppm;
  if (std::fabs(slew_done_ns(ref_ns)) < std::fabs(slew_total_ns_)) {
    rate += slew_total_ns_ < 0 ? -max_slew_ppm_ : max_slew_ppm_;
  }
  const double factor = 1 + rate * 1e-6;
  assert(factor > 0);
  // Saturated: a span of Duration::max() ("never") on a slow clock stays never.
  const double span_ns = std::ceil(static_cast<double>(local_span.ns()) / factor);
  return span_ns >= 9223372036854775808.0 ? Duration::max() : Duration::from_ns(static_cast<std::int64_t>(span_ns));
}

}  // namespace clocksim
