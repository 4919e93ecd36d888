#include "algorithms/bounds/skew_bound.hpp"

#include <algorithm>
#include <cstdint>
#include <cmath>
#include <limits>
#include <vector>

namespace clocksim::bounds {

namespace {
constexpr double kPpm = 1e-6;
constexpr double kNs = 1e-9;  // one integer nanosecond of truncation
constexpr double kInf = std::numeric_limits<double>::infinity();
// The phases of at() end at instants computed in doubles from integer-nanosecond inputs; a
// correction landing exactly at the end must still be inside the phase, whatever the rounding.
constexpr double kPhaseSlack = 2e-9;

// Largest correction magnitude that is slewed rather than stepped.
double slewed_part(double correction, double step_threshold) {
  if (step_threshold <= 0) return 0;
  return std::min(correction, step_threshold);
}

double slew_time(double amount, double slew) {
  if (amount <= 0) return 0;
  return slew > 0 ? amount / slew : kInf;
}

// One steady cycle (docs/bounds.md §4.4): the sup over the cycle of the pairwise skew, with
// pairwise drift coefficient `drift` (s/s). sup is +inf when slews outlast the cycle.
struct CycleParams {
  double k_new, e_cross, q, drift, cycle_max, cycle_min, t_meas, apply_window, slew, step_threshold;
  double start_spread;  // latest − earliest start of applying a correction (master vs slaves)
  bool uniform_slew;    // every node slews at the same rate (§4.4, synchronous-slew refinement)
};
struct Cycle {
  double sup = 0;
  double correction = 0;
  double done = 0;
  double corners = 0;  // widest corner spread in the cycle (§7)
};
Cycle steady_cycle(const CycleParams& p) {
  Cycle c;
  const double e = p.apply_window;
  c.correction = p.k_new + p.drift * (p.cycle_max + p.t_meas) + p.e_cross + p.q;
  const double slewed = slewed_part(c.correction, p.step_threshold);
  c.done = e + slew_time(slewed, p.slew);
  if (c.done > p.cycle_min) {
    c.sup = kInf;
    return c;
  }
  // Three envelopes, each linear on [e, done] (value at e, slope):
  //   cross: Old + Dτ + E_x + q           (segment lemma)
  //   pend:  N + 2·pending                (distance from the new positions)
  //   sync:  Old + s·spread               (all slewed at one rate: the synchronous-slew refinement)
  const bool all_slewed = p.step_threshold > 0 && c.correction < p.step_threshold && p.slew > 0 && p.uniform_slew;
  const double old_e = p.k_new + p.drift * (p.cycle_max + e);
  const double new_e = p.k_new + p.drift * e;
  struct Line {
    double at_e, slope;
    double operator()(double tau, double e0) const { return at_e + slope * (tau - e0); }
  };
  std::vector<Line> lines = {{old_e + p.drift * e + p.e_cross + p.q, 2 * p.drift},
                             {new_e + 2 * slewed, p.drift - 2 * p.slew}};
  if (all_slewed) lines.push_back({old_e + p.slew * p.start_spread, p.drift});
  auto f = [&](double tau) {
    double m = kInf;
    for (const auto& l : lines) m = std::min(m, l(tau, e));
    return m;
  };
  // Before e every correction may still be outstanding (pending = C); every envelope rises, so
  // the sup on [0, e) is their min at e from the left.
  double left = std::min(lines[0].at_e, new_e + 2 * c.correction);
  if (all_slewed) left = std::min(left, lines[2].at_e);
  double sup = left;
  // On [e, done] the sup of the min of lines is at an end or where two of them cross.
  std::vector<double> candidates = {e, c.done};
  for (std::size_t i = 0; i < lines.size(); ++i) {
    for (std::size_t j = i + 1; j < lines.size(); ++j) {
      if (lines[i].slope == lines[j].slope) continue;
      const double tau = e + (lines[j].at_e - lines[i].at_e) / (lines[i].slope - lines[j].slope);
      if (tau > e && tau < c.done) candidates.push_back(tau);
    }
  }
  for (double tau : candidates) sup = std::max(sup, f(tau));
  // After the slews: only drift, up to the next round's start (the next cycle's old envelope).
  sup = std::max(sup, p.k_new + p.drift * p.cycle_max);
  c.sup = sup;
  // Corners: Cross bounds every pair of corners (Cross >= Old >= N) and rises, so its value when
  // the last slew ends covers the cycle up to then; after that every clock sits on its new
  // trajectory, within N, up to the next start.
  c.corners = std::max(lines[0](c.done, e), p.k_new + p.drift * p.cycle_max);
  return c;
}
}  // namespace

double wander_envelope_ppm(double sigma_ppm_per_sqrt_s, double horizon_s) {
  return kWanderSigmas * sigma_ppm_per_sqrt_s * std::sqrt(std::max(0.0, horizon_s));
}

double wander_miss_probability() { return 2.0 * std::erfc(kWanderSigmas / std::sqrt(2.0)); }

double classic_skew_bound_s(double eps_s, double q_s, double rho_ppm, double period_s, double t_meas_s) {
  const double rho = rho_ppm * kPpm;
  return 2 * eps_s + 2 * q_s + 2 * rho * period_s + 2 * rho * t_meas_s;
}

double cristian_error_bound_s(double rtt_s, double min_delay_s) { return rtt_s / 2 - min_delay_s; }

double cristian_error_bound_with_drift_s(double rtt_s, double min_delay_s, double rho_ppm) {
  return rtt_s / 2 * (1 + 2 * rho_ppm * kPpm) - min_delay_s;
}

double timed_reading_error_s(double u_s) { return u_s / 2; }

double lundelius_lynch_floor_s(double u_s, int n) {
  if (n <= 0) return 0;
  return u_s * (1.0 - 1.0 / n);
}

double ls_slope_error_bound(int k, double spacing, double jitter, double h) {
  if (k < 2) return kInf;
  const double mean_index = (k - 1) / 2.0;
  double abs_sum = 0, sq_sum = 0;
  for (int i = 0; i < k; ++i) {
    const double dev = (i - mean_index) * spacing;
    abs_sum += std::fabs(dev);
    sq_sum += dev * dev;
  }
  // Jitter: Σ|x − x̄| grows by at most 2k·jitter; ||x − x̄|| shrinks by at most √k·jitter.
  abs_sum += 2.0 * k * jitter;
  const double norm = std::sqrt(sq_sum) - std::sqrt(static_cast<double>(k)) * jitter;
  if (norm <= 0) return kInf;
  return h * abs_sum / (norm * norm);
}

double SkewBound::at(double t_s) const {
  if (!valid) return kInf;
  if (t_s < first_round_start_min) return initial_spread + 2 * rho * t_s;
  if (t_s <= first_done_max) {
    // First round (§4.5): any clock between its uncorrected (Y) and its corrected (X) trajectory.
    // The four corners: Y−Y (old), X−X (new), X−Y (cross); with synchronous slews the pair is a
    // convex combination of Y−Y and X−X, off by s·d_max.
    const double tau = t_s - first_round_start_min;
    const double old_spread = initial_spread + 2 * rho * t_s;
    const double new_spread = first_k + 2 * rho * tau;
    const double cross = old_spread + 2 * rho * tau + e_cross + quantum_half;
    const double segment = std::max(cross, new_spread);
    const double sync = std::max(old_spread, new_spread) + first_sync_extra;
    double b = std::min(segment, sync);
    if (t_s >= first_round_start_min + cycle_min) b = std::max(b, steady_plain);
    return b;
  }
  return t_s >= rate_correction_from ? steady : steady_plain;
}

double SkewBound::grow(double hull_s) const {
  if (!std::isfinite(hull_s)) return kInf;
  return std::max(hull_s + round_growth, round_growth_floor);
}

double SkewBound::full_round_done(double spread_s) const {
  if (!valid) return kInf;
  const double correction = spread_s + e_cross + quantum_half;
  const double done = apply_window + slew_time(slewed_part(correction, step_threshold), slew_rate);
  return done <= cycle_min ? done : kInf;
}

namespace {
SkewBound berkeley_skew_bound_once(const BerkeleyBoundInput& in);
}  // namespace

SkewBound berkeley_skew_bound(const BerkeleyBoundInput& in) {
  SkewBound b = berkeley_skew_bound_once(in);
  if (in.settime_error || !(in.settime_threshold_s > 0) || !b.valid) return b;
  // §4.1b: a correction that can reach the threshold may be a SETTIME. The epoch model follows
  // the first round and any disruption itself; the steady cycle's largest correction it cannot.
  const double largest = in.epochs ? b.correction_steady : std::max(b.correction_first, b.correction_steady);
  if (largest < in.settime_threshold_s) return b;
  BerkeleyBoundInput wide = in;
  wide.settime_error = true;
  return berkeley_skew_bound_once(wide);
}

namespace {
SkewBound berkeley_skew_bound_once(const BerkeleyBoundInput& in) {
  SkewBound b;
  const double d_min = in.latency_min_s, d_max = in.latency_max_s;
  if (!(std::isfinite(d_max) && d_min >= 0 && d_max >= d_min)) {
    b.no_bound = NoBound(NoBoundWhy::kUnboundedLatency);
    return b;
  }
  if (!std::isfinite(in.initial_spread_s) || !std::isfinite(in.rho_ppm)) {
    b.no_bound = NoBound(NoBoundWhy::kUnboundedClocks);
    return b;
  }
  b.wander_sigma = in.wander_ppm_per_sqrt_s * kPpm;
  b.probabilistic = b.wander_sigma > 0;
  // Wander: the rate may have walked 6σ√T away from its start by the end of the run.
  const double rho = in.rho_ppm * kPpm + kWanderSigmas * b.wander_sigma * std::sqrt(std::max(0.0, in.horizon_s));
  b.rho = rho;
  b.initial_spread = in.initial_spread_s;
  const double slew = in.slew_ppm * kPpm;
  const double u = d_max - d_min;
  const double q = in.quantum_s / 2;
  b.quantum_half = q;
  if (in.nodes <= 1) {
    b.valid = true;
    b.first_round_start_min = kInf;
    b.initial_spread = 0;
    b.rho = 0;
    return b;
  }

  // §4.1 reading error of one delta.
  const double trunc = in.clock_resolution_s + in.resolution_s + kNs;
  if (in.estimator == Estimator::kNaive) {
    b.e_lo = -(1 + rho) * d_max - trunc;
    b.e_hi = -(1 - rho) * d_min + trunc;
  } else {
    const double h = (1 + rho) * u / 2 + trunc;
    b.e_lo = -h;
    b.e_hi = h;
  }
  if (in.settime_error) {
    // §4.1b: a SETTIME puts the slave at the master's corrected time as read when sent, so it
    // lands behind by the transit, read on a master clock that may be slewing, ± a clock reading.
    // Landing behind by x is what a delta read x too high leaves (slave − master = −error).
    const double rate_slew = in.step_threshold_s > 0 ? in.slew_ppm * kPpm : 0.0;
    b.e_lo = std::min(b.e_lo, std::max(0.0, 1 - rho - rate_slew) * d_min - in.clock_resolution_s - kNs);
    b.e_hi = std::max(b.e_hi, (1 + rho + rate_slew) * d_max + in.clock_resolution_s + kNs);
  }
  const double width = b.e_hi - b.e_lo;
  const double magnitude = std::max(std::fabs(b.e_lo), std::fabs(b.e_hi));
  b.e_cross = std::max(b.e_hi, 0.0) - std::min(b.e_lo, 0.0);
  b.k_new = std::max(width, magnitude) + 2 * q;

  // §4.2 timing of a round.
  const double master_slew = in.step_threshold_s > 0 ? slew : 0.0;
  if (rho + master_slew >= 1) {
    b.no_bound = NoBound(NoBoundWhy::kRateAndSlewReachOne);
    return b;
  }
  b.cycle_max = in.period_s / (1 - rho - master_slew);
  b.cycle_min = in.period_s / (1 + rho + master_slew);
  const int answered = std::min(in.probes, in.good_replies);
  // A slave that has not answered is given up after its last probe's timeout: probes go out
  // every probe_timeout while fewer than `probes` are out and the cap is not reached. A reply
  // after that is discarded (measure.c matches the sequence number), and nothing but the latency
  // law decides whether the first reply beats it: at worst a slave is never measured and never
  // corrected, which only the epoch model's hull (§7) covers. The master's clock runs at most
  // 1 + ρ + s fast.
  // Counted in whole nanoseconds, as the master's timers are: a ceil of the quotient of two
  // doubles can round one probe too many.
  const std::int64_t cap_ns = std::llround(in.measure_cap_s * 1e9);
  const std::int64_t timeout_ns = std::max<std::int64_t>(1, std::llround(in.probe_timeout_s * 1e9));
  const double probes_sent = static_cast<double>(
      std::min<std::int64_t>(in.probes, std::max<std::int64_t>(1, (cap_ns + timeout_ns - 1) / timeout_ns)));
  if (!in.epochs && !(2 * d_max < probes_sent * in.probe_timeout_s / (1 + rho + master_slew))) {
    b.no_bound = NoBound(NoBoundWhy::kRoundTripOutlastsProbes);
    return b;
  }
  // An ACK that comes after the master's last wait for it (acksend: τ, 2τ, ... over `ack_tries`
  // sends, τ(2^tries − 1) on its clock; a SETTIME's one wait τ) makes the master give the
  // correction up although the slave applied it: a failure, which drops the slave from every
  // later round once lost_host_rounds of them add up, and restarts its rate fit. Nothing but the
  // latency law decides whether the ACK, 2·d_max after the first send at most, beats that. The
  // epoch model sees the host_dropped and does not count on rate corrections (§7).
  if (!in.epochs && (in.lost_host_rounds > 0 || in.rate_correction)) {
    const double waits_s = in.settime_error ? in.ack_timeout_s
                                            : in.ack_timeout_s * (std::ldexp(1.0, std::max(1, in.ack_tries)) - 1);
    if (!(2 * d_max < waits_s / (1 + rho + master_slew))) {
      b.no_bound = NoBound(in.settime_error ? NoBoundWhy::kLateSettimeAck : NoBoundWhy::kLateCorrectionAck);
      return b;
    }
  }
  double per_slave;
  if (2 * d_max < in.probe_timeout_s / (1 + rho + master_slew)) {
    per_slave = answered * 2 * d_max;  // ping-pong, every reply beats its timer
  } else {
    per_slave = std::min(in.probes * in.probe_timeout_s, in.measure_cap_s + in.probe_timeout_s) /
                    (1 - rho - master_slew) + 2 * d_max;
  }
  // An unresponsive slave (crashed, cut off) costs the whole timeout schedule.
  const int silent = std::clamp(in.unresponsive_slaves, 0, in.nodes - 1);
  const double per_silent_slave = std::min(in.probes * in.probe_timeout_s, in.measure_cap_s + in.probe_timeout_s) /
                                      (1 - rho - master_slew) + 2 * d_max;
  b.t_meas = (in.nodes - 1 - silent) * per_slave + silent * std::max(per_slave, per_silent_slave);
  b.apply_window = b.t_meas + d_max;
  // A round that outlasts the period starts the next one at once (finish_round arms the timer
  // for period − elapsed, at least 0).
  b.cycle_max = std::max(b.cycle_max, b.t_meas);
  // §7: one round widens the hull of all clocks by at most 2M + q (the corrected ones land
  // within M + q of a centre that is within M of the hull) plus what the clocks drift and slew
  // between their measurement and the correction's arrival, retransmissions included. Valid
  // whatever the steady state does, so it is set before any check can give up.
  b.slew_rate = slew;
  b.step_threshold = in.step_threshold_s;
  const double pairwise_drift = in.rate_correction ? 2 * (rho + in.max_rate_correction_ppm * kPpm) : 2 * rho;
  // A step lands without cancelling a slew still running (only a new slew replaces it), so
  // that slew's remainder, below the step threshold, may move the clock on afterwards.
  b.running_slew_cap = in.step_threshold_s > 0 && slew > 0 ? in.step_threshold_s : 0.0;
  const double in_flight = (pairwise_drift + slew) * (b.apply_window + in.retry_span_s);
  b.round_growth = 2 * magnitude + q + in_flight;
  // The corrected clocks land within M + q of one centre: 2M + 2q apart even from a hull
  // narrower than q (the rounding can then push both ways).
  b.round_growth_floor = 2 * magnitude + 2 * q + in_flight;
  b.growth_drift = pairwise_drift + slew;
  b.first_round_start_min = in.first_round_delay_s / (1 + rho);
  b.first_round_start_max = in.first_round_delay_s / (1 - rho);

  // §4.5 first round.
  b.correction_first = in.initial_spread_s + 2 * rho * (b.first_round_start_max + b.t_meas) + b.e_cross + q;
  const double first_done = b.apply_window + slew_time(slewed_part(b.correction_first, in.step_threshold_s), slew);
  if (first_done > b.cycle_min && !in.epochs) {
    b.no_bound = NoBound(NoBoundWhy::kFirstSlewsOutlastPeriod);
    return b;
  }
  b.first_done_max = b.first_round_start_max + first_done + kPhaseSlack;
  b.first_k = b.k_new;
  if (in.step_threshold_s > 0 && b.correction_first < in.step_threshold_s && slew > 0 && in.uniform_slew) {
    b.first_sync_extra = slew * d_max;
  }

  // §4.4 steady state. Corrections start applying between the master's own (at the end of
  // measurement) and the last slave's arrival d_max later.
  auto cycle_params = [&](double drift) {
    return CycleParams{b.k_new, b.e_cross, q, drift, b.cycle_max, b.cycle_min, b.t_meas, b.apply_window,
                       slew, in.step_threshold_s, d_max, in.uniform_slew};
  };
  const double plain_drift = 2 * rho;
  double drift_worst = plain_drift;
  double rc_drift = plain_drift;
  bool rate_fit_holds = true;
  if (in.rate_correction) {
    // §4.6: the least-squares fit's worst error; y errors half-width: half the reading-error
    // width plus what the rate bookkeeping can miss per round.
    const int k = std::max(2, in.rate_window);
    const double clamp = in.max_rate_correction_ppm * kPpm;
    const Cycle pre = steady_cycle(cycle_params(plain_drift));
    const double h = width / 2 + k * clamp * (d_max + b.t_meas + plain_drift * b.cycle_max);
    const double jitter = b.t_meas + k * pre.correction;
    double phi = ls_slope_error_bound(k, in.period_s, jitter, h) + 8 * rho * rho;
    phi += kWanderSigmas * std::sqrt(2.0) * in.wander_ppm_per_sqrt_s * kPpm * std::sqrt((k + 1) * b.cycle_max);
    const double g_max = std::min(phi, 2 * rho + clamp);
    b.rate_fit_error_ppm = phi / kPpm;
    // A slave whose rate differs from the master's by more than the clamp c keeps the excess: the
    // correction stops at c however well the fit sees the slope. With e(x) = x − clamp(x, ±c)
    // and two fitted slopes a, b (rate differences within 2ρ of 0 and of each other, each off by
    // at most g), e(a) − e(b) ≤ (2ρ + g − c)+ + (g − c)+, on top of the two fits' errors 2g.
    const double beyond_clamp = std::max(0.0, 2 * rho + g_max - clamp) + std::max(0.0, g_max - clamp);
    rc_drift = std::min(2 * g_max + beyond_clamp, 2 * (2 * rho + clamp));
    drift_worst = std::max(plain_drift, rc_drift);
    b.rate_correction_from = b.first_round_start_max + (k + 1) * b.cycle_max + kPhaseSlack;
    // A SETTIME starts the slave's fit afresh (Berkeley::finish_round): while the corrections of
    // the plain steady cycle can reach the threshold, rate correction may never take hold, and a
    // first round that can send one puts the first fit a cycle later.
    if (in.settime_threshold_s > 0 && pre.correction >= in.settime_threshold_s) {
      rate_fit_holds = false;
      rc_drift = plain_drift;
      drift_worst = plain_drift;
      b.rate_correction_not_counted = true;
    } else if (in.settime_threshold_s > 0 && b.correction_first >= in.settime_threshold_s) {
      b.rate_correction_from += b.cycle_max;
    }
  }
  const Cycle worst = steady_cycle(cycle_params(drift_worst));
  if (!std::isfinite(worst.sup)) {
    b.no_bound = NoBound(NoBoundWhy::kSlewsOutlastPeriod);
    return b;
  }
  b.correction_steady = worst.correction;
  b.steady_plain = worst.sup;
  b.steady_corners = worst.corners;
  if (in.rate_correction && rate_fit_holds) {
    const Cycle rc = steady_cycle(cycle_params(rc_drift));
    b.steady = rc.sup;
    b.drift_rate = rc_drift;
  } else {
    b.steady = b.steady_plain;
    b.drift_rate = plain_drift;
    b.rate_correction_from = kInf;
  }
  b.valid = true;
  if (b.probabilistic) {
    b.wander_miss_at_most = wander_miss_probability() * in.nodes;
  }
  return b;
}

}  // namespace

SkewBound cristian_skew_bound(const CristianBoundInput& in) {
  SkewBound b;
  const double d_min = in.latency_min_s, d_max = in.latency_max_s;
  if (!(std::isfinite(d_max) && d_min >= 0 && d_max >= d_min)) {
    b.no_bound = NoBound(NoBoundWhy::kUnboundedLatency);
    return b;
  }
  const double rho = in.rho_ppm * kPpm;
  const double slew = in.slew_ppm * kPpm;
  b.rho = rho;
  b.initial_spread = in.initial_spread_s;
  if (in.nodes <= 1) {
    b.valid = true;
    b.first_round_start_min = kInf;
    b.rho = 0;
    b.initial_spread = 0;
    return b;
  }
  const double u = d_max - d_min;
  // §6: the min-RTT exchange's actual error (not the guaranteed rtt/2 − min, which is larger).
  const double e = (1 + rho) * u / 2 + in.clock_resolution_s + kNs;
  b.e_lo = -e;
  b.e_hi = e;
  b.e_cross = 2 * e;
  b.cycle_max = in.period_s / (1 - rho);
  b.cycle_min = in.period_s / (1 + rho);
  // A reply that comes after the probe timeout is discarded (its request is no longer the one
  // outstanding), and nothing but the latency law decides how many do: at worst every probe of
  // every series, and the clients are never corrected. The timer runs on the client's clock, at
  // most 1 + ρ + s fast.
  if (!(2 * d_max < in.probe_timeout_s / (1 + rho + slew))) {
    b.no_bound = NoBound(NoBoundWhy::kRoundTripOutlastsTimeout);
    return b;
  }
  const double series = in.probes * 2 * d_max;
  b.t_meas = series;
  b.apply_window = series;
  // First series at t = 0: each client between its initial and its corrected trajectory.
  b.first_round_start_min = 0;
  b.correction_first = in.initial_spread_s + 2 * rho * series + e;
  const double first_done = series + slew_time(slewed_part(b.correction_first, in.step_threshold_s), slew);
  if (first_done > b.cycle_min) {
    b.no_bound = NoBound(NoBoundWhy::kFirstSlewsOutlastPeriod);
    return b;
  }
  b.first_done_max = first_done + kPhaseSlack;
  b.e_cross = e;  // at() adds e_cross in the first phase: |Y_i − X_j| <= S0 + 2ρt + E + 2ρt
  // Two clients both corrected by their first series: 2E + 2ρt whatever the initial spread.
  b.first_k = in.nodes >= 3 ? 2 * e : e;
  // Steady: age of a client's last fully applied measurement, A = L + T + C'/s with
  // C = 2E + 2ρA (a fixed point when slews are used), or C' <= step_threshold.
  double age = b.cycle_max + series + slew_time(slewed_part(kInf, in.step_threshold_s), slew);
  if (in.step_threshold_s > 0 && slew > 2 * rho) {
    age = std::min(age, (b.cycle_max + series + 2 * e / slew) / (1 - 2 * rho / slew));
  }
  if (!std::isfinite(age) || age - b.cycle_max > b.cycle_min) {
    b.no_bound = NoBound(NoBoundWhy::kSlewsOutlastPeriod);
    return b;
  }
  b.correction_steady = 2 * e + 2 * rho * age;
  const double pair_error = in.nodes >= 3 ? 2 * e : e;  // two clients, or a client and the server
  b.steady_plain = pair_error + 2 * rho * age;
  b.steady = b.steady_plain;
  b.drift_rate = 2 * rho;
  b.rate_correction_from = kInf;
  b.valid = true;
  return b;
}

}  // namespace clocksim::bounds
