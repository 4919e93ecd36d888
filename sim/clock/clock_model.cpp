#include "sim/clock/clock_model.hpp"

#include <boost/random/normal_distribution.hpp>
#include <cassert>
#include <cmath>
#include <numbers>

namespace clocksim::sim {

ClockModel::ClockModel(const ClockParams& p)
    : linear_(0, p.initial_offset.ns(), p.drift_ppm, p.max_slew_ppm),
      drift_ppm_(p.drift_ppm),
      wander_sigma_ppm_(p.wander_ppm_per_sqrt_s),
      wander_step_(p.wander_step),
      next_wander_(Time::epoch() + p.wander_step),
      rng_(p.seed),
      sine_amp_ppm_(p.sine_amplitude_ppm),
      sine_period_s_(p.sine_period.seconds()),
      resolution_(p.resolution) {
  assert(wander_step_ > Duration::zero());
  assert(resolution_ > Duration::zero());
  assert(sine_period_s_ > 0);
}

void ClockModel::advance_wander(Time t) {
  if (wander_sigma_ppm_ == 0) return;
  // Each step adds an independent N(0, σ²·step) to the rate: a random walk whose spread grows
  // with sqrt(time), drawn in time order from this clock's own stream.
  const double step_sd = wander_sigma_ppm_ * std::sqrt(wander_step_.seconds());
  while (next_wander_ <= t) {
    boost::random::normal_distribution<double> normal(0.0, step_sd);
    wander_ppm_ += normal(rng_);
    linear_.set_hardware_ppm(next_wander_.ns(), drift_ppm_ + wander_ppm_);
    next_wander_ += wander_step_;
  }
}

double ClockModel::sine_offset_ns(Time t) const {
  if (sine_amp_ppm_ == 0) return 0;
  // ∫0^t A·1e-6·sin(2πs/P) ds, in ns.
  const double w = 2 * std::numbers::pi / sine_period_s_;
  return sine_amp_ppm_ * 1e-6 / w * (1 - std::cos(w * t.seconds())) * 1e9;
}

std::int64_t ClockModel::local_ns(Time t) {
  advance_wander(t);
  return linear_.local_ns(t.ns(), sine_offset_ns(t));
}

LocalTime ClockModel::read(Time t) {
  const std::int64_t ns = local_ns(t);
  const std::int64_t r = resolution_.ns();
  if (r == 1) return LocalTime::from_ns(ns);
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

void ClockModel::set_rate_correction_ppm(Time t, double ppm) {
  advance_wander(t);
  linear_.set_rate_correction_ppm(t.ns(), ppm);
}

Duration ClockModel::pending_slew(Time t) {
  advance_wander(t);
  return linear_.pending_slew(t.ns());
}

Duration ClockModel::true_span(Time t, Duration local_span) {
  advance_wander(t);
  const double sine_rate_ppm =
      sine_amp_ppm_ == 0 ? 0.0 : sine_amp_ppm_ * std::sin(2 * std::numbers::pi * t.seconds() / sine_period_s_);
  return linear_.reference_span(t.ns(), local_span, sine_rate_ppm);
}

}  // namespace clocksim::sim
