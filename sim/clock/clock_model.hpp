// A node's hardware clock plus the adjustments its algorithm made, as a function of true time.
//
// local(t) = L0 + (t − T0)·(1 + rate_ppm·1e-6) + sine(t) + slew(t)
// where (T0, L0) is re-based (rounded to the nanosecond) at every change of rate — a wander step,
// a rate correction, a step — so that error never accumulates over a long run; with constant drift
// and no adjustment there is no re-basing at all and local(t) = offset + t + drift·t to within the
// one rounding of the final product (tested to 1 ns over an hour).
//
// rate_ppm = drift_ppm + wander (a random walk of the rate, advanced lazily in fixed steps from
// the clock's own random stream, so a reading depends only on t and the seed) + the algorithm's
// frequency correction. The sinusoidal (temperature-like) term is integrated in closed form.
// Slew (adjtime) spreads a correction at ±max_slew_ppm until it is used up; a new slew replaces
// the unfinished remainder, as adjtime(2) does.
#pragma once

#include <cstdint>

#include "algorithms/core/effects.hpp"
#include "algorithms/core/rng.hpp"
#include "algorithms/core/time.hpp"
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

class ClockModel {
 public:
  explicit ClockModel(const ClockParams& params);

  // What the clock reads at true time t. Calls must come with non-decreasing t (the event queue
  // guarantees it); the model advances its wander lazily.
  LocalTime read(Time t);
  // The exact (unquantised) local time in ns, for traces and tests.
  std::int64_t local_ns(Time t);

  // Algorithm effects, applied at true time t.
  void step(Time t, Duration delta);
  void slew(Time t, Duration delta);
  void set_rate_correction_ppm(Time t, double ppm);
  // A fault: jump the reading by delta (like step, but not the algorithm's doing).
  void inject_step(Time t, Duration delta) { step(t, delta); }

  // True time span that `local_span` of this clock takes from t, at the current rate (including a
  // slew in progress). Timers use it; a later rate change does not move an armed timer, as with a
  // kernel timer armed against CLOCK_MONOTONIC.
  Duration true_span(Time t, Duration local_span);

  // Current total rate error in ppm (drift + wander + correction), excluding slew and sine.
  double rate_ppm() const { return drift_ppm_ + wander_ppm_ + correction_ppm_; }
  Duration pending_slew(Time t);

 private:
  void advance_wander(Time t);
  void rebase(Time t);
  double sine_offset_ns(Time t) const;
  double slew_done_ns(Time t) const;

  // Linear segment anchor.
  Time t0_;
  std::int64_t l0_ns_ = 0;
  double drift_ppm_ = 0;
  double wander_ppm_ = 0;
  double correction_ppm_ = 0;
  // Wander.
  double wander_sigma_ppm_ = 0;
  Duration wander_step_;
  Time next_wander_;
  SmallRng rng_;  // 8 bytes: a million clocks must stay small
  // Sine.
  double sine_amp_ppm_ = 0;
  double sine_period_s_ = 1;
  // Slew in progress: started at slew_start_, total slew_total_ns_, at slew_rate_ppm_ (signed).
  Time slew_start_;
  double slew_total_ns_ = 0;
  double max_slew_ppm_ = 500;
  Duration resolution_;
};

}  // namespace clocksim::sim
