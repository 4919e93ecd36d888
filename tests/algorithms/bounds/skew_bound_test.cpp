#include "algorithms/bounds/skew_bound.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace clocksim::bounds {
namespace {

constexpr double kMs = 1e-3;

// shared/docs/bounds.md §1 worked example: ρ = 10 ppm, R = 240 s, ε = 1 ms, q = 3 ms,
// T_meas = 2 s -> 8 + 4.8 + 0.04 = 12.84 ms; without rounding 6.84 ms.
TEST(ClassicBound, DocsWorkedExample) {
  EXPECT_NEAR(classic_skew_bound_s(1 * kMs, 3 * kMs, 10, 240, 2), 12.84 * kMs, 1e-12);
  EXPECT_NEAR(classic_skew_bound_s(1 * kMs, 0, 10, 240, 2), 6.84 * kMs, 1e-12);
  // ρ = 100 ppm: the drift term 2ρR = 48 ms dominates.
  EXPECT_NEAR(classic_skew_bound_s(0, 0, 100, 240, 0), 48 * kMs, 1e-12);
  // timed's ceiling ρ = 0.3 %: 2ρR = 1.44 s, exactly BIG_ADJ.
  EXPECT_NEAR(classic_skew_bound_s(0, 0, 3000, 240, 0), 1.44, 1e-12);
}

// §2: round trip 4 ms, min 1 ms -> e = 1 ms; with ρ = 10 ppm the drift adds 4e-5 ms.
TEST(ReadingError, CristianAndTimed) {
  EXPECT_NEAR(cristian_error_bound_s(4 * kMs, 1 * kMs), 1 * kMs, 1e-15);
  EXPECT_NEAR(cristian_error_bound_with_drift_s(4 * kMs, 1 * kMs, 10), 1 * kMs + 4e-5 * kMs, 1e-15);
  // timed example: d_f = 3, d_b = 1 -> error 1 ms = u/2 with u = 2 ms.
  EXPECT_NEAR(timed_reading_error_s(2 * kMs), 1 * kMs, 1e-15);
}

// §3: u = 2 ms, n = 10 -> 1.8 ms; n = 2 -> u/2 = 1 ms.
TEST(LundeliusLynch, Floor) {
  EXPECT_NEAR(lundelius_lynch_floor_s(2 * kMs, 10), 1.8 * kMs, 1e-15);
  EXPECT_NEAR(lundelius_lynch_floor_s(2 * kMs, 2), 1 * kMs, 1e-15);
}

TEST(LeastSquares, SlopeErrorBound) {
  // Two points R apart with errors ±h: slope error 2h/R.
  EXPECT_NEAR(ls_slope_error_bound(2, 10, 0, 1), 0.2, 1e-12);
  // Eight points: h·16R/(42R²).
  EXPECT_NEAR(ls_slope_error_bound(8, 10, 0, 1), 16.0 / 420.0, 1e-12);
  // Jitter only makes it worse.
  EXPECT_GT(ls_slope_error_bound(8, 10, 0.1, 1), ls_slope_error_bound(8, 10, 0, 1));
  EXPECT_TRUE(std::isinf(ls_slope_error_bound(1, 10, 0, 1)));
}

BerkeleyBoundInput basic() {
  BerkeleyBoundInput in;
  in.nodes = 8;
  in.rho_ppm = 100;
  in.period_s = 10;
  in.latency_min_s = 1 * kMs;
  in.latency_max_s = 5 * kMs;
  in.slew_ppm = 5000;
  in.initial_spread_s = 20 * kMs;
  return in;
}

TEST(BerkeleyBound, ComponentsOfTheBasicScenario) {
  const SkewBound b = berkeley_skew_bound(basic());
  ASSERT_TRUE(b.valid) << no_bound_word(b.no_bound.why);
  // Reading error u/2 (with the master's rate on the delays) plus 1 ns of integer truncation.
  EXPECT_NEAR(b.e_hi, (1 + 1e-4) * 2 * kMs + 1e-9, 1e-12);
  EXPECT_NEAR(b.k_new, 2 * b.e_hi, 1e-12);
  // 7 slaves x 5 exchanges x 10 ms worst round trip.
  EXPECT_NEAR(b.t_meas, 0.35, 1e-12);
  EXPECT_NEAR(b.cycle_max, 10 / (1 - 1e-4 - 5e-3), 1e-9);
  // Synchronous slews: the steady bound is K + 2ρ(L + e) + s·d_max (the classic Δ0 + 2ρR with
  // ε = u/2, q = 0, plus the period stretch, the measurement spread and the slew skew), plus the
  // drift while two same-sign slews leave a pair's old skew standing: at most 2ρ·C/s.
  const double classic = classic_skew_bound_s(2 * kMs, 0, 100, 10, 0);
  EXPECT_GT(b.steady, classic);
  const double sync = b.k_new + 2e-4 * (b.cycle_max + b.apply_window) + 5e-3 * 5 * kMs;
  EXPECT_GE(b.steady, sync);
  EXPECT_LE(b.steady, sync + 2e-4 * b.correction_steady / 5e-3);
  // The first round starts at once; all corrections are slewed at one rate, so a clock can be
  // ahead of the synchronous schedule by at most s·d_max (5000 ppm · 5 ms = 25 µs).
  EXPECT_NEAR(b.at(0), 20 * kMs + 25e-6, 1e-12);
  // Without a uniform slew rate only the segment lemma holds: + E_x.
  BerkeleyBoundInput mixed = basic();
  mixed.uniform_slew = false;
  EXPECT_NEAR(berkeley_skew_bound(mixed).at(0), 20 * kMs + b.e_cross, 1e-12);
  EXPECT_GT(berkeley_skew_bound(mixed).steady, b.steady);
  // With a first-round delay, before it: initial spread plus free drift.
  BerkeleyBoundInput delayed = basic();
  delayed.first_round_delay_s = 5;
  EXPECT_NEAR(berkeley_skew_bound(delayed).at(1), 20 * kMs + 2e-4, 1e-12);
  EXPECT_DOUBLE_EQ(b.at(1000), b.steady);
  EXPECT_FALSE(b.probabilistic);
}

// docs/bounds.md §7: the pieces the epoch model uses.
TEST(BerkeleyBound, DisruptionPieces) {
  const SkewBound b = berkeley_skew_bound(basic());
  ASSERT_TRUE(b.valid) << no_bound_word(b.no_bound.why);
  // The corners cover every instant of a cycle, so they are at least the cycle bound.
  EXPECT_GE(b.steady_corners, b.steady);
  // One round widens the hull by 2M + q, plus drift and slew over the apply window; a step
  // does not cancel a running slew, at most what a round over the hull could send (not the whole
  // 20 s step threshold).
  EXPECT_NEAR(b.round_growth, 2 * b.e_hi + (2e-4 + 5e-3) * b.apply_window, 1e-9);
  EXPECT_NEAR(b.grow(0.01), 0.01 + b.round_growth, 1e-9);
  BerkeleyBoundInput retries = basic();
  retries.retry_span_s = 6.2;
  EXPECT_NEAR(berkeley_skew_bound(retries).round_growth, b.round_growth + (2e-4 + 5e-3) * 6.2, 1e-9);
  // A round over clocks spread by S: corrections up to S + E_x + q, slewed at s after e.
  EXPECT_NEAR(b.full_round_done(0.01), b.apply_window + (0.01 + b.e_cross) / 5e-3, 1e-12);
  EXPECT_TRUE(std::isinf(b.full_round_done(1.0))) << "a 1 s slew outlasts the 10 s period";
  // A silent slave costs its whole timeout schedule: min(probes·timeout, cap + timeout).
  BerkeleyBoundInput silent = basic();
  silent.unresponsive_slaves = 2;
  const SkewBound s = berkeley_skew_bound(silent);
  const double per_silent = std::min(10 * 0.1, 3 + 0.1) / (1 - 1e-4 - 5e-3) + 2 * 5 * kMs;
  EXPECT_NEAR(s.t_meas, 5 * 0.05 + 2 * per_silent, 1e-12);
  EXPECT_GT(s.steady, b.steady);
  // A measurement longer than the period starts the next round at once: L grows with it.
  silent.unresponsive_slaves = 7;
  silent.period_s = 2;
  silent.slew_ppm = 5e5;
  const SkewBound longer = berkeley_skew_bound(silent);
  EXPECT_NEAR(longer.cycle_max, longer.t_meas, 1e-12);
  EXPECT_GT(longer.t_meas, 2.0);
}

TEST(BerkeleyBound, InvalidWhenUnboundedOrSlewTooSlow) {
  BerkeleyBoundInput in = basic();
  in.latency_max_s = std::numeric_limits<double>::infinity();
  EXPECT_FALSE(berkeley_skew_bound(in).valid);
  in = basic();
  in.slew_ppm = 500;                 // 20 ms at 500 ppm takes 40 s > 10 s period
  in.initial_spread_s = 20 * kMs;
  EXPECT_FALSE(berkeley_skew_bound(in).valid);
  in.step_threshold_s = 1 * kMs;     // large corrections stepped: valid again
  EXPECT_TRUE(berkeley_skew_bound(in).valid);
}

// High drift (±10 %), corrections stepped: the drift term dominates and the bound is close to
// 2ρL, L = R/(1 − ρ).
TEST(BerkeleyBound, HighDriftIsDominatedByDrift) {
  BerkeleyBoundInput in;
  in.nodes = 8;
  in.rho_ppm = 100'000;
  in.period_s = 10;
  in.latency_min_s = 1 * kMs;
  in.latency_max_s = 1 * kMs;
  in.step_threshold_s = 0;
  in.initial_spread_s = 0;
  const SkewBound b = berkeley_skew_bound(in);
  ASSERT_TRUE(b.valid) << no_bound_word(b.no_bound.why);
  const double drift = 2 * 0.1 * 10 / 0.9;
  EXPECT_GT(b.steady, drift);
  EXPECT_LT(b.steady, drift * 1.05);
}

TEST(BerkeleyBound, NaiveMeasurementPaysTheWholeDelay) {
  BerkeleyBoundInput in = basic();
  in.estimator = Estimator::kNaive;
  const SkewBound naive = berkeley_skew_bound(in);
  const SkewBound timed = berkeley_skew_bound(basic());
  ASSERT_TRUE(naive.valid);
  EXPECT_NEAR(naive.e_lo, -(1 + 1e-4) * 5 * kMs - 1e-9, 1e-12);
  EXPECT_GT(naive.steady, timed.steady);
}

TEST(BerkeleyBound, QuantumAddsItsRoundingError) {
  BerkeleyBoundInput in = basic();
  in.quantum_s = 5 * kMs;  // timed's 5 ms: q = 2.5 ms per correction
  const SkewBound b = berkeley_skew_bound(in);
  EXPECT_NEAR(b.k_new - berkeley_skew_bound(basic()).k_new, 5 * kMs, 1e-12);
}

// Drift-free, zero spread: the bound still covers the Lundelius-Lynch floor.
TEST(BerkeleyBound, NeverBelowTheLundeliusLynchFloor) {
  BerkeleyBoundInput in = basic();
  in.rho_ppm = 0;
  in.initial_spread_s = 0;
  const SkewBound b = berkeley_skew_bound(in);
  EXPECT_GE(b.steady, lundelius_lynch_floor_s(4 * kMs, 8));
}

TEST(BerkeleyBound, RateCorrectionShrinksDriftWhenTheFitIsGood) {
  BerkeleyBoundInput in = basic();
  in.latency_min_s = 1 * kMs;
  in.latency_max_s = 1.1 * kMs;  // precise readings: a good fit
  in.rate_correction = true;
  in.rate_window = 16;
  const SkewBound b = berkeley_skew_bound(in);
  ASSERT_TRUE(b.valid) << no_bound_word(b.no_bound.why);
  EXPECT_LT(b.rate_fit_error_ppm, 100);
  EXPECT_LT(b.steady, b.steady_plain);
  EXPECT_DOUBLE_EQ(b.at(b.rate_correction_from - 1), b.steady_plain);
  EXPECT_DOUBLE_EQ(b.at(b.rate_correction_from), b.steady);
}

TEST(BerkeleyBound, WanderMakesItProbabilistic) {
  BerkeleyBoundInput in = basic();
  in.wander_ppm_per_sqrt_s = 0.01;
  in.horizon_s = 3600;
  const SkewBound b = berkeley_skew_bound(in);
  ASSERT_TRUE(b.valid);
  EXPECT_TRUE(b.probabilistic);
  EXPECT_GT(b.steady, berkeley_skew_bound(basic()).steady);
}

TEST(CristianBound, ClientsAgainstTheServer) {
  CristianBoundInput in;
  in.nodes = 5;
  in.rho_ppm = 50;
  in.period_s = 10;
  in.latency_min_s = 1 * kMs;
  in.latency_max_s = 3 * kMs;
  in.step_threshold_s = 0;
  in.initial_spread_s = 10 * kMs;
  const SkewBound b = cristian_skew_bound(in);
  ASSERT_TRUE(b.valid) << no_bound_word(b.no_bound.why);
  const double e = (1 + 5e-5) * 1 * kMs + 1e-9;
  const double age = 10 / (1 - 5e-5) + 4 * 6 * kMs;
  EXPECT_NEAR(b.steady, 2 * e + 2 * 5e-5 * age, 1e-12);
  EXPECT_NEAR(b.at(0), 10 * kMs + e, 1e-12);
}

// Clocks that start together: the first round's corrections carry clocks up to K apart (reading
// errors of ±u/2 in opposite directions), so the first-round bound is at least K + s·d_max,
// never the initial spread plus the slew skew alone.
TEST(BerkeleyBound, FirstRoundFromZeroSpreadCoversTheNewEnvelope) {
  BerkeleyBoundInput in = basic();
  in.rho_ppm = 0;
  in.initial_spread_s = 0;
  const SkewBound b = berkeley_skew_bound(in);
  ASSERT_TRUE(b.valid) << no_bound_word(b.no_bound.why);
  const double mid = b.first_done_max / 2;
  // Segment lemma: max(cross, new) = max(E_x + q, K) here, below the synchronous-slew form.
  EXPECT_NEAR(b.at(mid), std::max(b.e_cross + b.quantum_half, b.k_new), 1e-15);
  EXPECT_LE(b.at(mid), b.steady);
  // Steps (θ = 0) with a 5 ms quantum and S0 = 0 < q: two roundings of ±q apart, K = W + 2q,
  // which a cross term of S0 + E_x + q alone would miss by q.
  in.step_threshold_s = 0;
  in.quantum_s = 5 * kMs;
  const SkewBound q = berkeley_skew_bound(in);
  ASSERT_TRUE(q.valid) << no_bound_word(q.no_bound.why);
  EXPECT_NEAR(q.k_new, q.e_cross + 5 * kMs, 1e-12);
  EXPECT_GE(q.at(q.first_done_max / 2), q.k_new);
}

// Cristian: two clients corrected by their first series are 2E apart even when all start together.
TEST(CristianBound, FirstSeriesFromZeroSpreadCoversTwoClients) {
  CristianBoundInput in;
  in.nodes = 5;
  in.period_s = 10;
  in.latency_min_s = 1 * kMs;
  in.latency_max_s = 3 * kMs;
  in.initial_spread_s = 0;
  const SkewBound b = cristian_skew_bound(in);
  ASSERT_TRUE(b.valid) << no_bound_word(b.no_bound.why);
  const double e = 1 * kMs + 1e-9;
  EXPECT_NEAR(b.at(b.first_done_max / 2), 2 * e, 1e-12);
}

// A reply that comes after its slave's last probe timed out is discarded: with a round trip
// that can outlast every probe's wait, a slave may go unmeasured (and uncorrected) for the whole
// run, so no static bound exists. One probe of 10 ms against a 12 ms round trip: none; a second
// probe keeps the first one's reply in time (12 ms < 20 ms); a cap below the second probe's
// start sends only one.
TEST(BerkeleyBound, NoBoundWhenEveryReplyCanComeAfterTheSlavesLastTimeout) {
  BerkeleyBoundInput in = basic();
  in.latency_max_s = 6 * kMs;
  in.probe_timeout_s = 10 * kMs;
  in.probes = 1;
  const SkewBound one = berkeley_skew_bound(in);
  EXPECT_FALSE(one.valid);
  EXPECT_EQ(one.no_bound.why, NoBoundWhy::kRoundTripOutlastsProbes) << no_bound_word(one.no_bound.why);
  in.probes = 2;
  EXPECT_TRUE(berkeley_skew_bound(in).valid);
  in.measure_cap_s = 10 * kMs;
  EXPECT_FALSE(berkeley_skew_bound(in).valid);
  in.measure_cap_s = 10 * kMs + 1e-9;
  EXPECT_TRUE(berkeley_skew_bound(in).valid);
  // Through disruptions the epoch model's hull covers a slave left uncorrected.
  in.measure_cap_s = 10 * kMs;
  in.epochs = true;
  EXPECT_TRUE(berkeley_skew_bound(in).valid);
}

// An ACK after the master's last wait for it counts as a failure against the slave although the
// slave applied the correction: after lost_host_rounds of them the slave is dropped and never
// corrected again, and with rate correction its fit restarts every round. Round trip 10 ms, master
// clock up to 1 + ρ + s = 1.0051 fast. One send with a 3 ms wait: no bound; five sends (3 ms
// doubled: 93 ms of waits) are enough; a SETTIME goes once, so when corrections can reach its
// threshold the one wait decides again. With lost_host_rounds 0 and no rate correction a late ACK
// changes nothing; the epoch model sees the slave dropped.
TEST(BerkeleyBound, NoBoundWhenACorrectionsAckCanComeAfterTheMastersLastWait) {
  BerkeleyBoundInput in = basic();
  in.lost_host_rounds = 1;
  in.ack_timeout_s = 3 * kMs;
  in.ack_tries = 1;
  const SkewBound one = berkeley_skew_bound(in);
  EXPECT_FALSE(one.valid);
  EXPECT_EQ(one.no_bound.why, NoBoundWhy::kLateCorrectionAck) << no_bound_word(one.no_bound.why);
  in.ack_timeout_s = 10 * kMs * 1.005;  // just short of the edge
  EXPECT_FALSE(berkeley_skew_bound(in).valid);
  in.ack_timeout_s = 10 * kMs * 1.0052;
  EXPECT_TRUE(berkeley_skew_bound(in).valid);
  in.ack_timeout_s = 3 * kMs;
  in.ack_tries = 5;
  const SkewBound five = berkeley_skew_bound(in);
  ASSERT_TRUE(five.valid) << no_bound_word(five.no_bound.why);
  in.settime_threshold_s = five.correction_first / 2;  // the first round's corrections can reach it
  const SkewBound settime = berkeley_skew_bound(in);
  EXPECT_FALSE(settime.valid);
  EXPECT_EQ(settime.no_bound.why, NoBoundWhy::kLateSettimeAck) << no_bound_word(settime.no_bound.why);
  in.settime_threshold_s = 0;
  in.ack_tries = 1;
  in.lost_host_rounds = 0;
  EXPECT_TRUE(berkeley_skew_bound(in).valid) << "never dropped, and no rate fit to restart";
  in.rate_correction = true;
  EXPECT_FALSE(berkeley_skew_bound(in).valid);
  in.rate_correction = false;
  in.lost_host_rounds = 1;
  in.epochs = true;
  EXPECT_TRUE(berkeley_skew_bound(in).valid);
}

// Cristian: a reply after its probe's timeout no longer matches the outstanding request and is
// discarded, so with a round trip that can outlast probe_timeout a client may never be corrected.
TEST(CristianBound, NoBoundWhenARoundTripCanOutlastTheProbeTimeout) {
  CristianBoundInput in;
  in.nodes = 3;
  in.period_s = 10;
  in.latency_min_s = 6 * kMs;
  in.latency_max_s = 6 * kMs;
  in.probe_timeout_s = 12 * kMs;  // the timer and the reply tie: either may come first
  const SkewBound b = cristian_skew_bound(in);
  EXPECT_FALSE(b.valid);
  EXPECT_EQ(b.no_bound.why, NoBoundWhy::kRoundTripOutlastsTimeout) << no_bound_word(b.no_bound.why);
  in.probe_timeout_s = 12.1 * kMs;  // a slewing client's timer (500 ppm fast) still waits 12.094 ms
  EXPECT_TRUE(cristian_skew_bound(in).valid);
}

}  // namespace
}  // namespace clocksim::bounds
