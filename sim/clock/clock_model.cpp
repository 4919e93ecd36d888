#include "sim/clock/clock_model.hpp"

#include <boost/random/normal_distribution.hpp>
#include <algorithm>
#include <cassert>
#include <cmath>
#include <numbers>

namespace clocksim::sim {

ClockModel::ClockModel(const ClockParams& p)
    : linear_(0, p.initial_offset.ns(), p.drift_ppm, p.max_slew_ppm),
      resolution_(p.resolution),
      rate_room_ppm_(rate_room_ppm(p)) {
  // The loader refuses parameters without room (draw_clock_params in sim/world/node_params.hpp).
  assert(std::fabs(p.drift_ppm) <= rate_room_ppm_);
  assert(p.wander_step > Duration::zero());
  assert(resolution_ > Duration::zero());
  assert(p.sine_period.seconds() > 0);
  if (p.wander_ppm_per_sqrt_s != 0 || p.sine_amplitude_ppm != 0) {
    variation_ = std::make_unique<Variation>(Variation{p.drift_ppm, 0, p.wander_ppm_per_sqrt_s, p.wander_step,
                                                       Time::epoch() + p.wander_step, SmallRng(p.seed),
                                                       p.sine_amplitude_ppm, p.sine_period.seconds()});
  }
}

void ClockModel::step_wander(Time t) {
  if (variation_->wander_sigma_ppm == 0) return;
  Variation& v = *variation_;
  // Each step adds an independent N(0, σ²·step) to the rate: a random walk whose spread grows
  // with sqrt(time), drawn in time order from this clock's own stream.
  const double step_sd = v.wander_sigma_ppm * std::sqrt(v.wander_step.seconds());
  while (v.next_wander <= t) {
    boost::random::normal_distribution<double> normal(0.0, step_sd);
    v.wander_ppm += normal(v.rng);
    // A walk that would stop the clock stays at the edge of the room instead: the same draws,
    // so a clock that never reaches the edge is the unbounded walk exactly.
    const double others_ppm = v.drift_ppm + linear_.correction_ppm();
    v.wander_ppm = std::clamp(v.wander_ppm, -rate_room_ppm_ - others_ppm, rate_room_ppm_ - others_ppm);
    linear_.set_hardware_ppm(v.next_wander.ns(), v.drift_ppm + v.wander_ppm);
    v.next_wander += v.wander_step;
  }
}

double ClockModel::sine_offset_ns(Time t) const {
  if (!variation_ || variation_->sine_amp_ppm == 0) return 0;
  // ∫0^t A·1e-6·sin(2πs/P) ds, in ns.
  const double w = 2 * std::numbers::pi / variation_->sine_period_s;
  return variation_->sine_amp_ppm * 1e-6 / w * (1 - std::cos(w * t.seconds())) * 1e9;
}

std::int64_t ClockModel::varied_local_ns(Time t) {
  advance_wander(t);
  return linear_.local_ns(t.ns(), sine_offset_ns(t));
}

LocalTime ClockModel::quantised(std::int64_t ns) const {
  const std::int64_t r = resolution_.ns();
  // Truncate toward −∞ so that readings stay monotone across zero.
  std::int64_t q = ns / r;
  if (ns % r != 0 && ns < 0) --q;
  return LocalTime::from_ns(q * r);
}

void ClockModel::step(Time t, Duration delta) {
  advance_wander(t);
  linear_.step(delta);
}

void ClockModel::slew(Time t, Duration delta) {
  advance_wander(t);
  linear_.slew(t.ns(), delta);
}

double ClockModel::set_rate_correction_ppm(Time t, double ppm) {
  advance_wander(t);
  if (std::isnan(ppm)) return linear_.correction_ppm();  // no rate at all: nothing to apply
  // As a kernel clamps adjtimex's frequency: the algorithm asks, the clock does what it can.
  const double hardware_ppm = linear_.hardware_ppm();
  const double applied_ppm = std::clamp(ppm, -rate_room_ppm_ - hardware_ppm, rate_room_ppm_ - hardware_ppm);
  linear_.set_rate_correction_ppm(t.ns(), applied_ppm);
  return applied_ppm;
}

Duration ClockModel::pending_slew(Time t) {
  advance_wander(t);
  return linear_.pending_slew(t.ns());
}

Duration ClockModel::true_span(Time t, Duration local_span) {
  advance_wander(t);
  const double sine_rate_ppm =
      !variation_ || variation_->sine_amp_ppm == 0
          ? 0.0
          : variation_->sine_amp_ppm * std::sin(2 * std::numbers::pi * t.seconds() / variation_->sine_period_s);
  return linear_.reference_span(t.ns(), local_span, sine_rate_ppm);
}

}  // namespace clocksim::sim
