// Rate correction (beyond timed): the master estimates each slave's frequency error relative to
// its own from the offsets it measured over the last k rounds.
//
// The measured deltas are not a free-running series: after every round the slave was moved by
// its correction and the master by the average, and the slave's rate was changed by earlier rate
// corrections. RateTracker adds those known changes back to rebuild the free-running relative
// offset X(t) = delta(t) − P(t) − Q(t), where P sums the phase changes (corr_i − avg) and Q
// integrates the rate corrections in force. X grows with slope = the slave's natural rate
// relative to the master, which a least-squares line recovers; the correction sent is −slope.
// This assumes every phase correction has been fully applied (slew finished) before the next
// measurement, which the bound documentation (docs/bounds.md) states as a condition too.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <span>
#include <utility>

namespace clocksim::berkeley {

// Least-squares slope (y per unit x) of the points; nullopt with fewer than two distinct x.
std::optional<double> least_squares_slope(std::span<const std::pair<double, double>> points);

class RateTracker {
 public:
  explicit RateTracker(std::size_t window) : window_(window) {}

  // A measurement `delta_ns` (slave − master) at master local time `t_ns`.
  void add_measurement(std::int64_t t_ns, std::int64_t delta_ns);
  // The slave was told to move by corr_ns and the master moved by avg_ns.
  void add_phase_change(std::int64_t corr_minus_avg_ns) { phase_ns_ += static_cast<double>(corr_minus_avg_ns); }
  // A rate correction (ppb) takes effect from master local time t_ns on.
  void set_rate(std::int64_t t_ns, double ppb);
  // Forget the history (the slave missed a correction, so the bookkeeping no longer holds).
  void reset();

  double rate_ppb() const { return rate_ppb_; }
  std::size_t points() const { return history_.size(); }
  // New correction in ppb (replacing the current one), once the window is full.
  std::optional<double> fitted_correction_ppb() const;

 private:
  double rate_integral_ns(std::int64_t t_ns) const;

  std::size_t window_;
  std::deque<std::pair<double, double>> history_;  // (t s, X ns)
  double phase_ns_ = 0;
  double integral_ns_ = 0;  // ∫ rate corrections up to rate_since_ns_
  double rate_ppb_ = 0;
  std::int64_t rate_since_ns_ = 0;
};

}  // namespace clocksim::berkeley
