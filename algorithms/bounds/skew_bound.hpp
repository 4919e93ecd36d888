// Theoretical worst-case skew of master/slave synchronization (Berkeley as timed does it, and
// Cristian's client/server scheme) as pure functions of the parameters. No simulator types: the
// engine maps a scenario onto these inputs (sim/bound), the docs derive every term
// (docs/bounds.md, which this file implements exactly). All durations in seconds, rates in ppm.
//
// The bound is a true worst case over every admissible latency in [d_min, d_max], every clock
// rate error within ±rho, every initial offset within the given spread and every ordering of
// events; it is never fitted to runs. Where an assumption the derivation needs does not hold
// (unbounded latency, slews that outlast the period, ...) the result is invalid, and says why
// (no_bound.hpp).
#pragma once

#include <cstdint>
#include <limits>

#include "algorithms/bounds/no_bound.hpp"

namespace clocksim::bounds {

// ---- textbook pieces (shared/docs/bounds.md §1-3) -------------------------------------------

// §1: Skew_max <= 2ε + 2q + 2ρR + 2ρ·T_meas (q: max rounding error of one correction).
double classic_skew_bound_s(double eps_s, double q_s, double rho_ppm, double period_s, double t_meas_s);
// §2, Cristian: with round trip 2D and minimum one-way delay min: e = D − min.
double cristian_error_bound_s(double rtt_s, double min_delay_s);
// §2, Cristian with drift: e = D(1 + 2ρ) − min.
double cristian_error_bound_with_drift_s(double rtt_s, double min_delay_s, double rho_ppm);
// §2, timed's min filter: |θ̂ − θ| <= (d_max − d_min)/2 = u/2.
double timed_reading_error_s(double u_s);
// §3, Lundelius & Lynch: no algorithm guarantees skew below u(1 − 1/n).
double lundelius_lynch_floor_s(double u_s, int n);
// Worst-case error of a least-squares slope over k points x_i = i·spacing + j_i (|j_i| <= jitter)
// whose y errors lie in an interval of half-width h: h·Σ|x − x̄| / Σ(x − x̄)², with the sums
// bounded over every admissible jitter.
double ls_slope_error_bound(int k, double spacing, double jitter, double h);

// ---- the full derivation ------------------------------------------------------------------

enum class Estimator : std::uint8_t {
  kTimedMinFilter,  // (min_out − min_in)/2
  kCristianMinRtt,  // the smallest round trip's exchange
  kNaive,           // no round-trip compensation: −min_in
};

struct BerkeleyBoundInput {
  int nodes = 2;                     // master included; every node is measured each round
  double rho_ppm = 0;                // max |rate error| of any clock (drift + sine amplitude)
  double wander_ppm_per_sqrt_s = 0;  // random-walk rate noise: makes the bound a 6σ envelope
  double horizon_s = 0;              // how long the run lasts (for the wander envelope)
  double period_s = 240;
  double first_round_delay_s = 0;
  double latency_min_s = 0;          // one-way, every message
  double latency_max_s = 0;
  int probes = 10;
  int good_replies = 5;
  double probe_timeout_s = 0.1;
  double measure_cap_s = 3;
  Estimator estimator = Estimator::kTimedMinFilter;
  double slew_ppm = 500;             // adjtime's rate (the slowest node's)
  bool uniform_slew = true;          // every node slews at that same rate
  double step_threshold_s = 20;      // corrections at least this large are steps
  double quantum_s = 0;              // corrections rounded to multiples (error <= quantum/2)
  double resolution_s = 0;           // deltas truncated toward zero to this unit
  double clock_resolution_s = 0;     // clock readings truncated to this granularity
  double initial_spread_s = 0;       // max − min of the initial offsets
  bool rate_correction = false;
  int rate_window = 8;
  double max_rate_correction_ppm = 1000;
  // Faults (docs/bounds.md §7): slaves whose measurement may run the whole probe timeout
  // schedule (crashed or cut off), and how long after its round an ACKed correction may still be
  // retransmitted (acksend's doubling waits).
  int unresponsive_slaves = 0;
  double retry_span_s = 0;
  // acksend: a correction's first wait for its ACK (doubled per resend) and how many sends; a
  // SETTIME goes once. An ACK after the last wait counts as a failure against the slave, and
  // lost_host_rounds failures (0: never) drop it from the master's rounds.
  double ack_timeout_s = 0.2;
  int ack_tries = 5;
  int lost_host_rounds = 0;
  // Corrections at least this large go out as SETTIME (the master's time, uncompensated for
  // transit); 0: never. When the largest correction the model allows can reach it, the error
  // interval widens to a SETTIME's (§4.1b). settime_error forces that widening (the epoch model
  // uses it for rounds that did send a SETTIME).
  double settime_threshold_s = 0;
  bool settime_error = false;
  // The epoch model (§7) replaces §4.5: a first round whose slews would outlast the period does
  // not invalidate the steady bound (the epoch model waits for a round that fits).
  bool epochs = false;
};

struct SkewBound {
  bool valid = false;
  bool probabilistic = false;  // wander: a 6σ envelope, not a hard bound
  double wander_miss_at_most = 0;  // probabilistic: the chance some clock leaves its envelope
  NoBound no_bound;            // why not valid
  // Berkeley: a steady correction can reach settime_threshold, and the SETTIME restarts the
  // slave's rate fit, so the bound does not count on rate correction.
  bool rate_correction_not_counted = false;
  // Components (seconds unless stated), as named in docs/bounds.md.
  double e_lo = 0, e_hi = 0;   // reading error interval of one measured delta
  double k_new = 0;            // K: pairwise skew right after a round, before drift
  double e_cross = 0;          // E_x: error hull width with the master's exact 0
  double cycle_max = 0;        // L: longest true time between round starts
  double cycle_min = 0;        // L_min
  double t_meas = 0;           // longest true duration of one round's measurements
  double apply_window = 0;     // e: from round start until every correction has arrived
  double first_round_start_max = 0;
  double first_round_start_min = 0;
  double first_done_max = 0;   // every first-round correction fully applied by then
  double correction_first = 0; // C_0, C_ss: largest correction magnitudes
  double correction_steady = 0;
  double drift_rate = 0;       // pairwise drift coefficient in the steady state (2ρ or 2φ), s/s
  double rate_fit_error_ppm = 0;  // φ (rate correction only)
  double rate_correction_from = 0;  // t from which the rate-corrected steady bound applies
  double steady_plain = 0;     // B_ss with the plain drift coefficient
  double steady = 0;           // B_ss in force after rate_correction_from (== steady_plain without RC)
  double initial_spread = 0;
  double rho = 0;              // as a fraction (wander's 6σ envelope included)
  double wander_sigma = 0;     // fraction per sqrt(s) (already folded into rho)
  double quantum_half = 0;     // q: max rounding error of one correction
  // First round, all corrections slewed at one rate: s·(start spread) replaces the cross term.
  double first_sync_extra = std::numeric_limits<double>::infinity();
  // Spread of two clocks both carrying a first-round correction, before drift: K (Berkeley), the
  // pairwise reading error (Cristian). It may exceed the initial spread (clocks that start
  // together are pulled up to K apart by the reading errors and the rounding).
  double first_k = 0;
  // §7, disruptions: the widest spread of the corner trajectories (each clock as if its
  // correction were and were not applied) at any instant of a steady cycle; how much one round
  // can widen the hull of all clocks when some are not corrected (a stale, crashed or cut-off
  // clock); and what full_round_done needs.
  double steady_corners = 0;
  // Growth of the hull by one round (§7): it sticks out by round_growth on one side, and the
  // clocks it corrected span at most round_growth_floor, whatever the hull was. (A step that
  // leaves a slew running adds that slew's remainder, which the epoch model observes.)
  double round_growth = 0;
  double round_growth_floor = 0;
  double running_slew_cap = 0;
  double growth_drift = 0;     // D + s: how fast a clock may move away while a correction flies
  double slew_rate = 0;        // fraction
  double step_threshold = 0;   // s

  // The bound at true time t (seconds since the start); +inf when invalid.
  double at(double t_s) const;
  // §7: how long after its start a round that measures clocks spread over `spread_s` has every
  // correction applied; +inf when its slews would outlast the period.
  double full_round_done(double spread_s) const;
  // §7: the hull after one more round of any master over clocks whose hull was `hull_s`.
  double grow(double hull_s) const;
};

SkewBound berkeley_skew_bound(const BerkeleyBoundInput& in);

// §4.7, wander: a random walk of the rate with σ ppm/√s stays within kWanderSigmas·σ·√T of its
// start over [0, T] except with probability at most wander_miss_probability per clock (reflection
// principle: P(sup|W| ≥ a) ≤ 2·P(|W_T| ≥ a) = 4·Φ̄(a/σ√T)).
inline constexpr double kWanderSigmas = 6.0;
double wander_envelope_ppm(double sigma_ppm_per_sqrt_s, double horizon_s);
double wander_miss_probability();  // per clock: 4·Φ̄(6) ≈ 3.9e-9

struct CristianBoundInput {
  int nodes = 2;  // server included
  double rho_ppm = 0;
  double period_s = 60;
  double latency_min_s = 0;
  double latency_max_s = 0;
  int probes = 4;
  double probe_timeout_s = 1;
  double slew_ppm = 500;
  double step_threshold_s = 20;
  double clock_resolution_s = 0;
  double initial_spread_s = 0;
};

// Clients are independent: each is within E + 2ρ·age of the server, E = (1+ρ)u/2 + reading
// resolution; see docs/bounds.md §6.
SkewBound cristian_skew_bound(const CristianBoundInput& in);

}  // namespace clocksim::bounds
