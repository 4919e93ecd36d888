// The one arithmetic of an adjustable clock, shared by the simulator's clock model (which adds
// wander, a sinusoidal term and a reading resolution on top) and the node's virtual clock (over
// CLOCK_MONOTONIC, or over the simulator's true time).
//
// A reading is a linear function of a reference axis r (true time in the simulator, the monotonic
// clock in the daemon), all in int64 ns:
//
//   local(r) = l0 + (r − r0) + round((r − r0)·rate_ppm·1e-6 + extra + slewed(r))
//
// rate_ppm = hardware_ppm + correction_ppm. (r0, l0) is re-based, rounded to the nanosecond, at
// every change of rate, so error never accumulates over a long run; with a constant rate there is
// no re-basing and the reading is exact to the one rounding of the final sum. `extra` is a term the
// caller integrates itself (the simulator's sine). One rounding rule: a reading rounds to the
// nearest ns (half away from zero); a span of reference time for a timer rounds up, so a timer
// never fires before its local deadline at the current rate.
//
// Adjustments, as the algorithms ask for them (algorithms/core/effects_apply.hpp):
//   step(d)     settimeofday: the reading jumps by d now;
//   slew(d)     adjtime(2): d is spread at ±max_slew_ppm until used up; what was slewed so far
//               stays, the unfinished remainder is replaced by d; max_slew_ppm <= 0 steps at once;
//   set_rate_correction_ppm(p)  frequency correction that replaces the previous one.
#pragma once

#include <cassert>
#include <cmath>
#include <cstdint>

#include "algorithms/core/checked_math.hpp"
#include "algorithms/core/round_ns.hpp"
#include "algorithms/core/time.hpp"

namespace clocksim {

class LinearClock {
 public:
  LinearClock(std::int64_t ref0_ns, std::int64_t local0_ns, double hardware_ppm, double max_slew_ppm);

  // The reading at reference time ref_ns (>= the last re-base), plus `extra_ns` before rounding.
  std::int64_t local_ns(std::int64_t ref_ns, double extra_ns = 0) const {
    assert(ref_ns >= ref0_ns_);
    const std::int64_t dt = ref_ns - ref0_ns_;
    return sat_add(sat_add(local0_ns_, dt),
                   round_ns_half_away(static_cast<double>(dt) * rate_ppm() * 1e-6 + extra_ns + slew_done_ns(ref_ns)));
  }

  void step(Duration delta);
  void slew(std::int64_t ref_ns, Duration delta);
  void set_rate_correction_ppm(std::int64_t ref_ns, double ppm);
  // The clock's own frequency error changed at ref_ns (the simulator's wander).
  void set_hardware_ppm(std::int64_t ref_ns, double ppm);

  // Reference span that `local_span` (>= 0) of this clock takes from ref_ns at the current rate,
  // a slew in progress and `extra_rate_ppm` included; rounded up.
  Duration reference_span(std::int64_t ref_ns, Duration local_span, double extra_rate_ppm = 0) const;
  Duration pending_slew(std::int64_t ref_ns) const;

  double rate_ppm() const { return hardware_ppm_ + correction_ppm_; }
  double hardware_ppm() const { return hardware_ppm_; }
  double correction_ppm() const { return correction_ppm_; }

 private:
  void rebase(std::int64_t ref_ns);
  double slew_done_ns(std::int64_t ref_ns) const {
    if (slew_total_ns_ == 0) return 0;
    const double elapsed_ns = static_cast<double>(ref_ns - slew_start_ns_);
    const double possible = max_slew_ppm_ * 1e-6 * elapsed_ns;
    const double total_abs = std::fabs(slew_total_ns_);
    const double done = possible < total_abs ? possible : total_abs;
    return slew_total_ns_ < 0 ? -done : done;
  }

  std::int64_t ref0_ns_;
  std::int64_t local0_ns_;
  double hardware_ppm_;
  double correction_ppm_ = 0;
  double max_slew_ppm_;
  // Slew in progress: started at slew_start_ns_, total slew_total_ns_ (signed).
  std::int64_t slew_start_ns_;
  double slew_total_ns_ = 0;
};

}  // namespace clocksim
