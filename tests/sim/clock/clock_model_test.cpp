#include "sim/clock/clock_model.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace clocksim::sim {
namespace {

using namespace clocksim::literals;

Time at(Duration d) { return Time::epoch() + d; }

TEST(ClockModel, ConstantDriftIsExactToOneNanosecond) {
  ClockParams p;
  p.initial_offset = -37_ms;
  p.drift_ppm = 73.123456789;
  ClockModel clock(p);
  for (std::int64_t s = 0; s <= 3600; s += 7) {
    const Time t = at(Duration::from_ns(s * 1'000'000'000 + 123));
    const double expected = -37e6 + static_cast<double>(t.ns()) * (1 + p.drift_ppm * 1e-6);
    EXPECT_LE(std::fabs(static_cast<double>(clock.local_ns(t)) - expected), 1.0) << s;
  }
}

TEST(ClockModel, StepMovesReadingAtOnce) {
  ClockModel clock(ClockParams{});
  EXPECT_EQ(clock.read(at(1_s)).ns(), (1_s).ns());
  clock.step(at(1_s), 5_ms);
  EXPECT_EQ(clock.read(at(1_s)).ns(), (1_s + 5_ms).ns());
  EXPECT_EQ(clock.read(at(2_s)).ns(), (2_s + 5_ms).ns());
}

TEST(ClockModel, SlewIsBoundedByMaxRate) {
  ClockParams p;
  p.max_slew_ppm = 500;  // 0.5 ms per second
  ClockModel clock(p);
  clock.slew(at(0_s), 2_ms);
  EXPECT_EQ(clock.local_ns(at(1_s)) - (1_s).ns(), (500_us).ns());
  EXPECT_EQ(clock.pending_slew(at(1_s)), 1500_us);
  EXPECT_EQ(clock.local_ns(at(4_s)) - (4_s).ns(), (2_ms).ns());
  EXPECT_EQ(clock.local_ns(at(10_s)) - (10_s).ns(), (2_ms).ns());  // and then stops
  EXPECT_EQ(clock.pending_slew(at(10_s)), 0_ns);
}

TEST(ClockModel, NegativeSlewAndReplacement) {
  ClockParams p;
  p.max_slew_ppm = 1000;
  ClockModel clock(p);
  clock.slew(at(0_s), -10_ms);
  EXPECT_EQ(clock.local_ns(at(2_s)) - (2_s).ns(), -(2_ms).ns());
  // adjtime replaces the unfinished remainder: only the new 1 ms is still to come.
  clock.slew(at(2_s), 1_ms);
  EXPECT_EQ(clock.local_ns(at(10_s)) - (10_s).ns(), -(1_ms).ns());
}

TEST(ClockModel, RateCorrectionCancelsDrift) {
  ClockParams p;
  p.drift_ppm = 50;
  ClockModel clock(p);
  const std::int64_t before = clock.local_ns(at(10_s)) - (10_s).ns();
  clock.set_rate_correction_ppm(at(10_s), -50);
  const std::int64_t after = clock.local_ns(at(1000_s)) - (1000_s).ns();
  EXPECT_EQ(before, (500_us).ns());
  EXPECT_EQ(after, before);
}

TEST(ClockModel, WanderIsDeterministicAndGrowsLikeSqrtT) {
  ClockParams p;
  p.wander_ppm_per_sqrt_s = 0.1;
  double sum_sq = 0;
  const int clocks = 400;
  for (int i = 0; i < clocks; ++i) {
    p.seed = static_cast<std::uint64_t>(i) + 1;
    ClockModel a(p), b(p);
    (void)a.local_ns(at(100_s));
    EXPECT_EQ(a.local_ns(at(100_s)), b.local_ns(at(100_s)));
    sum_sq += a.rate_ppm() * a.rate_ppm();
  }
  // Var(rate after 100 steps of 1 s) = 100 · σ² = 1 ppm².
  EXPECT_NEAR(sum_sq / clocks, 1.0, 0.2);
}

TEST(ClockModel, ReadingsAreTruncatedToResolution) {
  ClockParams p;
  p.resolution = 1_ms;
  p.initial_offset = -1500_us;
  ClockModel clock(p);
  EXPECT_EQ(clock.read(at(0_s)).ns(), -(2_ms).ns());
  EXPECT_EQ(clock.read(at(1700_us)).ns(), 0);
}

TEST(ClockModel, SineTermIntegratesToZeroOverAPeriod) {
  ClockParams p;
  p.sine_amplitude_ppm = 10;
  p.sine_period = 100_s;
  ClockModel clock(p);
  EXPECT_NEAR(static_cast<double>(clock.local_ns(at(100_s)) - (100_s).ns()), 0.0, 1.0);
  // Maximum excursion at half a period: A·P/π = 10e-6 · 100 / π s.
  EXPECT_NEAR(static_cast<double>(clock.local_ns(at(150_s)) - (150_s).ns()) * 1e-9, 10e-6 * 100 / std::numbers::pi, 1e-9);
}

TEST(ClockModel, TrueSpanAccountsForRate) {
  ClockParams p;
  p.drift_ppm = 100;
  ClockModel clock(p);
  const Duration span = clock.true_span(at(0_s), 10_s);
  EXPECT_NEAR(static_cast<double>(span.ns()), 10e9 / 1.0001, 1.0);
  EXPECT_GE(clock.local_ns(at(span)), (10_s).ns());
}

// A clock runs forward whatever its wander and its algorithm ask: the walk and the correction
// stay inside the room its sine term and slew leave (rate_room.hpp), so that the slowest rate it
// can have is above standstill and every timer span is finite.
TEST(ClockModel, AWildWanderNeverStopsTheClock) {
  ClockParams p;
  p.drift_ppm = -400'000;
  p.wander_ppm_per_sqrt_s = 1e6;
  p.sine_amplitude_ppm = 100'000;
  p.sine_period = 7_s;
  p.max_slew_ppm = 400'000;
  const double room = rate_room_ppm(p);
  ASSERT_GT(room, 0);
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    p.seed = seed;
    ClockModel clock(p);
    bool reached_edge = false;
    for (int s = 1; s <= 300; ++s) {
      const Time t = at(Duration::from_ns(static_cast<std::int64_t>(s) * 1'000'000'000 + 1));
      if (s % 10 == 0) clock.slew(t, s % 20 == 0 ? -1_s : 1_s);
      const Duration span = clock.true_span(t, 1_ms);
      EXPECT_GT(span, Duration::zero());
      EXPECT_LT(span, Duration::from_ns(2'000'000'000'000)) << "a millisecond at the slowest possible rate";
      EXPECT_LE(std::fabs(clock.rate_ppm()), room + 1e-6) << seed << " " << s;
      reached_edge |= std::fabs(clock.rate_ppm()) > room - 1;
    }
    EXPECT_TRUE(reached_edge) << "the walk must be wild enough to test the edge, seed " << seed;
  }
}

TEST(ClockModel, ARateCorrectionIsHeldToTheRoomAndReported) {
  ClockParams p;
  p.drift_ppm = 300'000;
  p.max_slew_ppm = 500;
  ClockModel clock(p);
  const double room = rate_room_ppm(p);
  EXPECT_DOUBLE_EQ(room, 1e6 - 1 - 500);
  EXPECT_DOUBLE_EQ(clock.set_rate_correction_ppm(at(1_s), -250), -250);
  EXPECT_DOUBLE_EQ(clock.set_rate_correction_ppm(at(2_s), -5e9), -room - 300'000);
  EXPECT_DOUBLE_EQ(clock.rate_ppm(), -room);
  EXPECT_GT(clock.true_span(at(3_s), 1_us), Duration::zero());
  EXPECT_DOUBLE_EQ(clock.set_rate_correction_ppm(at(4_s), 5e9), room - 300'000);
  EXPECT_DOUBLE_EQ(clock.set_rate_correction_ppm(at(5_s), std::numeric_limits<double>::infinity()), room - 300'000);
  // NaN is no rate at all: the correction in force stays.
  EXPECT_DOUBLE_EQ(clock.set_rate_correction_ppm(at(6_s), std::nan("")), room - 300'000);
}

}  // namespace
}  // namespace clocksim::sim
