// A node's hardware clock plus the adjustments its algorithm made, as a function of true time.
//
// local(t) = L0 + (t − T0)·(1 + rate_ppm·1e-6) + sine(t) + slew(t)
// The linear part, the re-basing, slew (adjtime), step, rate correction and the rounding rule are
// LinearClock's (algorithms/core/linear_clock.hpp), over true time as its reference axis; this
// model adds what only a simulated crystal has:
//   - wander: a random walk of the hardware rate, advanced lazily in fixed steps from the clock's
//     own random stream (a reading depends only on t and the seed), each step a re-base;
//   - a sinusoidal (temperature-like) rate term, integrated in closed form;
//   - a reading resolution (readings truncated toward −∞).
// With constant drift and no adjustment local(t) = offset + t + drift·t to within one rounding
// (tested to 1 ns over an hour).
#pragma once

#include <cstdint>
#include <memory>

#include "algorithms/core/effects.hpp"
#include "algorithms/core/linear_clock.hpp"
#include "algorithms/core/rng.hpp"
#include "algorithms/core/time.hpp"
#include "sim/clock/rate_room.hpp"
#include "sim/time.hpp"

namespace clocksim::sim {

struct ClockParams {
  Duration initial_offset;               // local − true at t = 0
  double drift_ppm = 0;                  // constant frequency error
  double wander_ppm_per_sqrt_s = 0;      // random-walk rate noise (σ of the rate after 1 s)
  Duration wander_step = Duration::from_ns(1'000'000'000);
  double sine_amplitude_ppm = 0;         // rate term A·sin(2πt/P)
  Duration sine_period = Duration::from_ns(86'400'000'000'000);
  double max_slew_ppm = 500;             // adjtime's bounded slew rate
  Duration resolution = Duration::from_ns(1);  // readings truncated to this granularity
  std::uint64_t seed = 0;                // the wander stream
};

// The room left for |drift + wander + correction| by this clock's sine term and slew (rate_room.hpp).
inline double rate_room_ppm(const ClockParams& p) { return rate_room_ppm(p.sine_amplitude_ppm, p.max_slew_ppm); }

class ClockModel {
 public:
  explicit ClockModel(const ClockParams& params);

  // What the clock reads at true time t. Calls must come with non-decreasing t (the event queue
  // guarantees it); the model advances its wander lazily.
  LocalTime read(Time t) {
    const std::int64_t ns = local_ns(t);
    return resolution_.ns() == 1 ? LocalTime::from_ns(ns) : quantised(ns);
  }
  // The exact (unquantised) local time in ns, for traces and tests. Most clocks have no wander
  // and no sine: their reading is the linear clock's, inline.
  std::int64_t local_ns(Time t) { return variation_ ? varied_local_ns(t) : linear_.local_ns(t.ns()); }

  // Algorithm effects, applied at true time t.
  void step(Time t, Duration delta);
  void slew(Time t, Duration delta);
  // Returns the correction applied: `ppm`, or held to the clock's rate room (rate_room_ppm).
  double set_rate_correction_ppm(Time t, double ppm);
  // A fault: jump the reading by delta (like step, but not the algorithm's doing).
  void inject_step(Time t, Duration delta) { step(t, delta); }

  // True time span that `local_span` of this clock takes from t, at the current rate (including a
  // slew in progress). Timers use it; a later rate change does not move an armed timer, as with a
  // kernel timer armed against CLOCK_MONOTONIC.
  Duration true_span(Time t, Duration local_span);

  // Current total rate error in ppm (drift + wander + correction), excluding slew and sine.
  double rate_ppm() const { return linear_.rate_ppm(); }
  Duration pending_slew(Time t);
  double correction_ppm() const { return linear_.correction_ppm(); }

 private:
  // Wander and the sine term: most clocks have neither, and a million of them stay small when
  // this lives out of line, allocated only for a clock that has one.
  struct Variation {
    double drift_ppm = 0;
    double wander_ppm = 0;
    double wander_sigma_ppm = 0;
    Duration wander_step;
    Time next_wander;
    SmallRng rng;
    double sine_amp_ppm = 0;
    double sine_period_s = 1;
  };

  void advance_wander(Time t) {
    if (variation_) step_wander(t);
  }
  void step_wander(Time t);
  double sine_offset_ns(Time t) const;
  std::int64_t varied_local_ns(Time t);
  LocalTime quantised(std::int64_t ns) const;

  LinearClock linear_;  // reference axis: true time in ns
  std::unique_ptr<Variation> variation_;  // null: no wander, no sine
  Duration resolution_;
  double rate_room_ppm_;
};

}  // namespace clocksim::sim
