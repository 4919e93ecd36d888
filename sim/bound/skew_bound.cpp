#include "sim/bound/skew_bound.hpp"

#include "algorithms/core/c_locale_stream.hpp"
#include "sim/bound/bound_hook.hpp"
#include "sim/bound/saturated_ns.hpp"

#include "algorithms/registry.hpp"

#include "algorithms/bounds/skew_bound.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <sstream>

namespace clocksim::sim {
namespace {

class FreeRunningBound final : public SkewBound {
 public:
  explicit FreeRunningBound(const ClockSpread& s) : s_(s) {}
  std::optional<Duration> at(Time t) const override {
    const double ns = s_.offset_spread_ns + s_.drift_spread_ppm * 1e-6 * static_cast<double>(t.ns()) +
                      s_.sine_spread_ns + s_.steps_ns;
    // Round up: a bound must never be below the truth by a rounding.
    return ceil_ns(ns);
  }
  std::string describe() const override {
    CLocaleStream os;
    os << "free-running: offset spread " << s_.offset_spread_ns << " ns + drift spread "
       << s_.drift_spread_ppm << " ppm * t + sine spread " << s_.sine_spread_ns << " ns + steps "
       << s_.steps_ns << " ns";
    return os.str();
  }

 private:
  ClockSpread s_;
};

// Every model computes in doubles, which hold whole nanoseconds only up to 2^53 ns (104 days).
// Below 2^50 ns (13 days) a model's roundings err by less than a nanosecond, which its rounding
// up to the nanosecond covers, since clocks read whole nanoseconds. A scenario whose clocks
// spread further (months of initial offsets or of steps) feeds its model values whose roundings
// are whole nanoseconds or more: its bound gets a margin of 2^-40 of that spread, far above the
// few roundings of a model's formulas (each under 2^-53 of the values it rounds).
class WithRoundingMargin final : public SkewBound {
 public:
  WithRoundingMargin(std::unique_ptr<SkewBound> inner, Duration margin) : inner_(std::move(inner)), margin_(margin) {}
  std::optional<Duration> at(Time t) const override {
    const std::optional<Duration> b = inner_->at(t);
    if (!b) return b;
    return *b + margin_;  // saturating
  }
  std::string describe() const override {
    CLocaleStream os;
    os << inner_->describe() << " + " << margin_.ns() << " ns for the roundings of values past 2^50 ns";
    return os.str();
  }
  Observer* observer() override { return inner_->observer(); }
  std::vector<Time> drop_instants() const override { return inner_->drop_instants(); }

 private:
  std::unique_ptr<SkewBound> inner_;
  Duration margin_;
};

// The spread the clocks can reach in the run (initial offsets, steps, rates), to which every
// model's values are commensurate; zero below 2^50 ns, where no margin is needed.
Duration rounding_margin(const scenario::ScenarioSpec& spec) {
  const ClockSpread s = clock_spread(spec);
  const double reach_ns = s.offset_spread_ns + s.steps_ns + s.sine_spread_ns +
                          s.drift_spread_ppm * 1e-6 * static_cast<double>(spec.duration.ns());
  constexpr double kExactBelow_ns = 0x1p50;
  if (!(reach_ns >= kExactBelow_ns)) return Duration::zero();
  return ceil_ns(reach_ns * 0x1p-40) + Duration::from_ns(1);
}

}  // namespace

ClockSpread clock_spread(const scenario::ScenarioSpec& spec) {
  const auto& c = spec.clocks;
  double off_lo = std::numeric_limits<double>::infinity(), off_hi = -off_lo;
  double drift_lo = off_lo, drift_hi = -off_lo;
  double sine_lo = 0, sine_hi = 0;  // integrated sine lies in [min(0, 2A/w), max(0, 2A/w)]
  ClockSpread s;
  s.has_wander = c.wander_ppm_per_sqrt_s > 0;
  const double w = 2 * std::numbers::pi / c.sine_period.seconds();
  auto take = [&](const scenario::ClockOverride& o) {
    const auto& off = o.initial_offset_ns.value_or(c.initial_offset_ns);
    const auto& drift = o.drift_ppm.value_or(c.drift_ppm);
    const auto& sine = o.sine_amplitude_ppm.value_or(c.sine_amplitude_ppm);
    off_lo = std::min(off_lo, off.lower_bound());
    off_hi = std::max(off_hi, off.upper_bound());
    drift_lo = std::min(drift_lo, drift.lower_bound());
    drift_hi = std::max(drift_hi, drift.upper_bound());
    sine_lo = std::min(sine_lo, 2 * sine.lower_bound() * 1e-6 / w * 1e9);
    sine_hi = std::max(sine_hi, 2 * sine.upper_bound() * 1e-6 / w * 1e9);
    if (o.wander_ppm_per_sqrt_s.value_or(0) > 0) s.has_wander = true;
    s.max_wander_ppm_per_sqrt_s = std::max(s.max_wander_ppm_per_sqrt_s, o.wander_ppm_per_sqrt_s.value_or(c.wander_ppm_per_sqrt_s));
  };
  take(scenario::ClockOverride{});
  for (const auto& n : spec.nodes) take(n.clock);
  s.offset_spread_ns = off_hi - off_lo;
  s.drift_spread_ppm = drift_hi - drift_lo;
  s.max_abs_drift_ppm = std::max(std::fabs(drift_lo), std::fabs(drift_hi));
  s.sine_spread_ns = sine_hi - sine_lo;
  for (const auto& f : spec.faults) {
    if (f.kind == scenario::FaultSpec::Kind::kClockStep) s.steps_ns += std::fabs(static_cast<double>(f.step.ns()));
  }
  return s;
}

std::vector<Time> instants_around(const SkewBound& bound, const std::vector<double>& ends_s) {
  constexpr std::int64_t kAround_ns = 8;  // beyond a model's boundary slack and its rounding
  std::vector<Time> v;
  for (const double end_s : ends_s) {
    if (!(std::isfinite(end_s) && end_s >= 0 && end_s < 9e9)) continue;
    const auto end_ns = static_cast<std::int64_t>(std::floor(end_s * 1e9));
    v.push_back(Time::from_ns(end_ns));
    v.push_back(Time::from_ns(end_ns + 1));
    for (std::int64_t t = std::max<std::int64_t>(end_ns - kAround_ns, 1); t <= end_ns + kAround_ns; ++t) {
      if (bound.at(Time::from_ns(t)) == bound.at(Time::from_ns(t - 1))) continue;
      v.push_back(Time::from_ns(t - 1));
      v.push_back(Time::from_ns(t));
    }
  }
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  return v;
}

BoundAvailability make_free_running_bound(const scenario::ScenarioSpec& spec) {
  ClockSpread s = clock_spread(spec);
  if (s.has_wander) {
    // Probabilistic (docs/bounds.md §4.7): every rate's walk within 6σ√T over the run.
    s.drift_spread_ppm += 2 * bounds::wander_envelope_ppm(s.max_wander_ppm_per_sqrt_s, spec.duration.seconds());
  }
  return {std::make_unique<FreeRunningBound>(s), {}};
}

BoundAvailability make_skew_bound(const scenario::ScenarioSpec& spec) {
  const ClockSpread s = clock_spread(spec);
  if (!std::isfinite(s.offset_spread_ns) || !std::isfinite(s.drift_spread_ppm) || !std::isfinite(s.sine_spread_ns)) {
    return {nullptr, bounds::NoBound(bounds::NoBoundWhy::kUnboundedClocks)};
  }
  // Each algorithm says whether it has a bound (its registration) and, if so, the engine holds
  // the function under its kind (sim/bound/bound_hook.hpp).
  const std::string kind = spec.algorithm.sync.kind.empty() ? "none" : spec.algorithm.sync.kind;
  const auto* algorithm = algorithms::find_registration(kind, algorithms::Layer::kSync);
  bounds::NoBound none;
  none.algorithm = kind;
  if (algorithm && !algorithm->bound.has_hook()) {
    none.why = bounds::NoBoundWhy::kNoModel;
    return {nullptr, none};
  }
  const auto* hook = find_bound_hook(kind);
  if (!algorithm || !hook) {
    none.why = bounds::NoBoundWhy::kUnknownAlgorithm;
    return {nullptr, none};
  }
  BoundAvailability made = hook->make(spec);
  if (const Duration margin = rounding_margin(spec); made.bound && margin > Duration::zero()) {
    made.bound = std::make_unique<WithRoundingMargin>(std::move(made.bound), margin);
  }
  return made;
}

}  // namespace clocksim::sim
