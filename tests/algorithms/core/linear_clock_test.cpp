// The shared clock arithmetic: known answers for the rounding rule, re-basing, step, adjtime-like
// slew (replace the remainder, bounded rate), and the reference span timers use.
#include "algorithms/core/linear_clock.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>

#include "algorithms/core/rng.hpp"

namespace clocksim {
namespace {

using namespace clocksim::literals;

constexpr std::int64_t kS = 1'000'000'000;

TEST(LinearClock, ConstantRateIsExactToOneRoundingOverAnHour) {
  const LinearClock c(7 * kS, -37'000'000, 73.123456789, 500);
  for (std::int64_t s = 0; s <= 3600; s += 7) {
    const std::int64_t r = 7 * kS + s * kS + 123;
    const double exact = -37e6 + static_cast<double>(r - 7 * kS) * (1 + 73.123456789e-6);
    EXPECT_LE(std::fabs(static_cast<double>(c.local_ns(r)) - exact), 1.0) << s;
  }
}

TEST(LinearClock, ReadingRoundsToNearestHalfAwayFromZero) {
  // 0.5 ppm over 1 ns... use 500'000 ppm (factor 1.5) so that 1 ns of reference is 1.5 ns.
  const LinearClock fast(0, 0, 500'000, 0);
  EXPECT_EQ(fast.local_ns(1), 2);   // 1 + round(0.5)
  EXPECT_EQ(fast.local_ns(3), 5);   // 3 + round(1.5)
  const LinearClock slow(0, 0, -500'000, 0);
  EXPECT_EQ(slow.local_ns(1), 0);   // 1 + round(-0.5) = 1 − 1
  EXPECT_EQ(slow.local_ns(3), 1);   // 3 + round(-1.5)
}

TEST(LinearClock, StepJumpsAtOnceAndKeepsTheRate) {
  LinearClock c(0, 0, 100, 500);
  c.step(5_ms);
  EXPECT_EQ(c.local_ns(kS), kS + 100'000 + 5'000'000);
  c.step(-10_ms);
  EXPECT_EQ(c.local_ns(2 * kS), 2 * kS + 200'000 - 5'000'000);
}

TEST(LinearClock, SlewRunsAtTheBoundedRateAndStops) {
  LinearClock c(0, 0, 0, 500);  // 0.5 ms per second
  c.slew(0, 2_ms);
  EXPECT_EQ(c.local_ns(kS), kS + 500'000);
  EXPECT_EQ(c.pending_slew(kS), 1500_us);
  EXPECT_EQ(c.local_ns(4 * kS), 4 * kS + 2'000'000);
  EXPECT_EQ(c.local_ns(10 * kS), 10 * kS + 2'000'000);
  EXPECT_EQ(c.pending_slew(10 * kS), 0_ns);
}

TEST(LinearClock, NewSlewReplacesTheUnfinishedRemainderLikeAdjtime) {
  LinearClock c(0, 0, 0, 1000);  // 1 ms per second
  c.slew(0, -10_ms);
  c.slew(3 * kS, 1_ms);  // -3 ms done stays; the -7 ms left are dropped
  EXPECT_EQ(c.local_ns(3 * kS), 3 * kS - 3'000'000);
  EXPECT_EQ(c.local_ns(10 * kS), 10 * kS - 3'000'000 + 1'000'000);
  EXPECT_EQ(c.pending_slew(10 * kS), 0_ns);
}

TEST(LinearClock, ClockThatCannotSlewStepsInstead) {
  LinearClock c(0, 0, 0, 0);
  c.slew(kS, 3_ms);
  EXPECT_EQ(c.local_ns(kS), kS + 3'000'000);
  EXPECT_EQ(c.pending_slew(kS), 0_ns);
}

TEST(LinearClock, RateCorrectionReBasesSoThePastIsKept) {
  LinearClock c(0, 0, 50, 500);
  c.set_rate_correction_ppm(10 * kS, -50);
  EXPECT_EQ(c.local_ns(10 * kS), 10 * kS + 500'000);
  EXPECT_EQ(c.local_ns(20 * kS), 20 * kS + 500'000);  // drift cancelled from then on
  EXPECT_DOUBLE_EQ(c.correction_ppm(), -50);
  c.set_hardware_ppm(20 * kS, 150);  // the crystal changed (wander)
  EXPECT_EQ(c.local_ns(30 * kS), 30 * kS + 500'000 + 1'000'000);
}

TEST(LinearClock, ReferenceSpanRoundsUpSoATimerNeverFiresEarly) {
  LinearClock c(0, 0, 1000, 500);  // 1 s local = 0.999000999000999 s of reference
  EXPECT_EQ(c.reference_span(0, 1_s).ns(), 999'001'000);
  c.slew(0, 1_s);  // slewing forward adds 500 ppm: 1 s / 1.0015 = 998502246.6...
  EXPECT_EQ(c.reference_span(0, 1_s).ns(), 998'502'247);
  EXPECT_EQ(c.reference_span(0, Duration::zero()), Duration::zero());
  EXPECT_EQ(c.reference_span(0, -1_s), Duration::zero());
  EXPECT_EQ(c.reference_span(0, 1_s, -1500).ns(), 1'000'000'000);
}

// Adversary: whatever the rate, slews and steps, a timer armed for a local span never fires
// before the clock has advanced that span (as long as nothing changes in between).
TEST(LinearClock, ReferenceSpanNeverUndershootsForRandomClocks) {
  SmallRng rng(derive_seed(42, "linear_clock_span"));
  for (int i = 0; i < 20'000; ++i) {
    const double hw = static_cast<double>(static_cast<std::int64_t>(rng() % 2'000'001) - 1'000'000) / 1000.0;
    LinearClock c(0, static_cast<std::int64_t>(rng() % kS), hw, 500);
    if (rng() % 2) c.slew(0, Duration::from_ns(static_cast<std::int64_t>(rng() % 20'000'000) - 10'000'000));
    const std::int64_t start = static_cast<std::int64_t>(rng() % 1'000'000);
    const Duration span = Duration::from_ns(static_cast<std::int64_t>(rng() % (3 * kS)) + 1);
    const Duration ref = c.reference_span(start, span);
    // Within a slew's constant-rate segment only; the slew lasts at least 20 ms here unless tiny.
    if (c.pending_slew(start + ref.ns()) != Duration::zero() || c.pending_slew(start) == Duration::zero()) {
      EXPECT_GE(c.local_ns(start + ref.ns()) - c.local_ns(start) + 1, span.ns()) << i;
    }
  }
}

}  // namespace
}  // namespace clocksim
