#include "sim/clock/clock_model.hpp"

#include <boost/random/normal_distribution.hpp>
#include <cassert>
#include <cmath>
#include <numbers>

namespace clocksim::sim {

ClockModel::ClockModel(const ClockParams& p)
    : t0_(Time::epoch()),
      l0_ns_(p.initial_offset.ns()),
      drift_ppm_(p.drift_ppm),
      wander_sigma_ppm_(p.wander_ppm_per_sqrt_s),
      wander_step_(p.wander_step),
      next_wander_(Time::epoch() + p.wander_step),
      rng_(p.seed),
      sine_amp_ppm_(p.sine_amplitude_ppm),
      sine_period_s_(p.sine_period.seconds()),
      slew_start_(Time::epoch()),
      max_slew_ppm_(p.max_slew_ppm),
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
    rebase(next_wander_);
    boost::random::normal_distribution<double> normal(0.0, step_sd);
    wander_ppm_ += normal(rng_);
    next_wander_ += wander_step_;
  }
}

void ClockModel::rebase(Time t) {
  assert(t >= t0_);
  const std::int64_t dt = (t - t0_).ns();
  l0_ns_ += dt + std::llround(static_cast<double>(dt) * rate_ppm() * 1e-6);
  t0_ = t;
}

double ClockModel::sine_offset_ns(Time t) const {
  if (sine_amp_ppm_ == 0) return 0;
  // ∫0^t A·1e-6·sin(2πs/P) ds, in ns.
  const double w = 2 * std::numbers::pi / sine_period_s_;
  return sine_amp_ppm_ * 1e-6 / w * (1 - std::cos(w * t.seconds())) * 1e9;
}

double ClockModel::slew_done_ns(Time t) const {
  if (slew_total_ns_ == 0) return 0;
  const double elapsed_ns = static_cast<double>((t - slew_start_).ns());
  const double possible = max_slew_ppm_ * 1e-6 * elapsed_ns;
  const double total_abs = std::fabs(slew_total_ns_);
  const double done = possible < total_abs ? possible : total_abs;
  return slew_total_ns_ < 0 ? -done : done;
}

std::int64_t ClockModel::local_ns(Time t) {
  advance_wander(t);
  assert(t >= t0_);
  const std::int64_t dt = (t - t0_).ns();
  return l0_ns_ + dt +
         std::llround(static_cast<double>(dt) * rate_ppm() * 1e-6 + sine_offset_ns(t) + slew_done_ns(t));
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
  l0_ns_ += delta.ns();
}

void ClockModel::slew(Time t, Duration delta) {
  advance_wander(t);
  // adjtime(2) semantics: what was slewed so far stays; the unfinished remainder is replaced.
  l0_ns_ += std::llround(slew_done_ns(t));
  slew_start_ = t;
  slew_total_ns_ = static_cast<double>(delta.ns());
  if (max_slew_ppm_ <= 0) {  // a clock that cannot slew applies the change at once
    l0_ns_ += delta.ns();
    slew_total_ns_ = 0;
  }
}

void ClockModel::set_rate_correction_ppm(Time t, double ppm) {
  advance_wander(t);
  rebase(t);
  correction_ppm_ = ppm;
}

Duration ClockModel::pending_slew(Time t) {
  advance_wander(t);
  return Duration::from_ns(std::llround(slew_total_ns_ - slew_done_ns(t)));
}

Duration ClockModel::true_span(Time t, Duration local_span) {
  advance_wander(t);
  double rate = rate_ppm();
  if (sine_amp_ppm_ != 0) rate += sine_amp_ppm_ * std::sin(2 * std::numbers::pi * t.seconds() / sine_period_s_);
  if (std::fabs(slew_done_ns(t)) < std::fabs(slew_total_ns_)) rate += slew_total_ns_ < 0 ? -max_slew_ppm_ : max_slew_ppm_;
  const double factor = 1 + rate * 1e-6;
  assert(factor > 0);
  // Round up so that a timer never fires before its local deadline at the current rate.
  const double span = std::ceil(static_cast<double>(local_span.ns()) / factor);
  return Duration::from_ns(static_cast<std::int64_t>(span));
}

}  // namespace clocksim::sim
