#include "algorithms/bounds/ft_average_bound.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace clocksim::bounds {
namespace {

FtAverageBoundInput drift_free(int n, int f, bool mean) {
  FtAverageBoundInput in;
  in.nodes = n;
  in.faults = f;
  in.mean = mean;
  in.latency_min_s = 1e-3;
  in.latency_max_s = 3e-3;
  in.period_s = 5;
  in.read_window_s = 0.25;
  in.initial_spread_s = 40e-3;
  in.max_abs_initial_offset_s = 20e-3;
  return in;
}

// Without drift the honest bound is the Lundelius-Lynch argument: K = u(1 - 1/n) for the mean
// of every estimate; the steady bound adds the half-applied round, (1 - 1/n) u/2.
TEST(FtAverageBound, DriftFreeMeanIsTheFloorPlusTheApplyPhase) {
  const auto b = ft_average_skew_bound(drift_free(4, 0, true));
  ASSERT_TRUE(b.valid) << no_bound_word(b.no_bound.why);
  EXPECT_NEAR(b.k_round, 2e-3 * 0.75, 1e-12);
  EXPECT_NEAR(b.steady, 2e-3 * 0.75 + 1e-3 * 0.75, 1e-12);
  EXPECT_NEAR(b.at(0), 40e-3 + 0.75e-3, 1e-12);
  EXPECT_NEAR(b.at(1e6), b.steady, 1e-15);
}

TEST(FtAverageBound, TrimmedRulesResetToTwoEpsilon) {
  const auto b = ft_average_skew_bound(drift_free(7, 2, false));
  ASSERT_TRUE(b.valid) << no_bound_word(b.no_bound.why);
  EXPECT_NEAR(b.k_round, 2e-3, 1e-12);
  EXPECT_NEAR(b.steady, 3e-3, 1e-12);
}

TEST(FtAverageBound, DriftAddsTwoRhoPerRound) {
  auto in = drift_free(4, 1, false);
  in.rho_ppm = 50;
  const auto b = ft_average_skew_bound(in);
  ASSERT_TRUE(b.valid) << no_bound_word(b.no_bound.why);
  EXPECT_GT(b.drift, 2 * 50e-6 * 5);
  EXPECT_LT(b.drift, 2 * 50e-6 * 6);
  EXPECT_GT(b.steady, b.k_round + b.drift);
}

// With liars the midpoint contracts by half per round (Welch-Lynch): from a large initial spread
// the per-round bound falls geometrically to 4ε + 2D (+ ε for a half-applied round).
TEST(FtAverageBound, LiarsConvergeGeometrically) {
  auto in = drift_free(4, 1, false);
  in.liars = 1;
  in.initial_spread_s = 100e-3;
  in.max_abs_initial_offset_s = 50e-3;
  in.read_window_s = 0.5;
  const auto b = ft_average_skew_bound(in);
  ASSERT_TRUE(b.valid) << no_bound_word(b.no_bound.why);
  ASSERT_GT(b.per_round.size(), 5u);
  EXPECT_LT(b.per_round[1], b.per_round[0]);
  EXPECT_NEAR(b.steady, 5 * b.eps + 2 * b.drift, 1e-9);
}

TEST(FtAverageBound, NoBoundBeyondTheByzantineLimit) {
  auto in = drift_free(3, 1, false);
  in.liars = 1;
  const auto b = ft_average_skew_bound(in);
  EXPECT_FALSE(b.valid);
  EXPECT_EQ(b.no_bound.why, NoBoundWhy::kTooFewForLiars);
  EXPECT_EQ(b.no_bound.nodes, 3 * b.no_bound.faults);
  EXPECT_TRUE(std::isinf(b.at(10)));
  auto two = drift_free(7, 1, false);
  two.liars = 2;
  EXPECT_FALSE(ft_average_skew_bound(two).valid);
  auto mean = drift_free(7, 2, true);
  mean.liars = 1;
  EXPECT_FALSE(ft_average_skew_bound(mean).valid);
}

TEST(FtAverageBound, ParametersOutsideTheModel) {
  auto slew = drift_free(4, 1, false);
  slew.step_threshold_s = 1;
  EXPECT_FALSE(ft_average_skew_bound(slew).valid);
  auto short_window = drift_free(4, 1, false);
  short_window.read_window_s = 0.02;  // below the 40 ms initial spread
  EXPECT_FALSE(ft_average_skew_bound(short_window).valid);
  EXPECT_FALSE(ft_average_skew_bound(drift_free(4, 2, false)).valid);  // drops everything
}

}  // namespace
}  // namespace clocksim::bounds
