#include "algorithms/core/clock_guard.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "algorithms/core/checked_math.hpp"

namespace clocksim {
namespace {

using namespace literals;
constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();

ClockEffect adjust(Duration d, AdjustMode mode = AdjustMode::kStep) {
  return ClockEffect{ClockEffect::Kind::kAdjust, mode, d, 0};
}
ClockEffect rate(double ppm) { return ClockEffect{ClockEffect::Kind::kSetRate, AdjustMode::kSlew, {}, ppm}; }
const LocalTime kNow = LocalTime::from_ns(1'700'000'000'000'000'000);

TEST(CheckedMath, SaturatesInsteadOfWrapping) {
  EXPECT_EQ(sat_add(kMax, 1), kMax);
  EXPECT_EQ(sat_add(kMin, -1), kMin);
  EXPECT_EQ(sat_sub(kMin, 1), kMin);
  EXPECT_EQ(sat_sub(kMax, -1), kMax);
  EXPECT_EQ(sat_sub(0, kMin), kMax);
  EXPECT_EQ(sat_add(2, 3), 5);
  EXPECT_EQ(abs_u64(kMin), std::uint64_t{1} << 63);
  EXPECT_TRUE(abs_at_least(kMin, 250'000));
  EXPECT_TRUE(abs_at_least(-250'000, 250'000));
  EXPECT_FALSE(abs_at_least(249'999, 250'000));
}

TEST(ClockGuard, StartUpAllowsLargeCorrectionsThenThePanicThresholdHolds) {
  ClockGuard g;  // defaults: panic 1000 s, 3 start-up adjustments
  EXPECT_TRUE(g.in_startup());
  for (int i = 0; i < 3; ++i) EXPECT_EQ(g.check(adjust(3600_s), kNow, false).outcome, GuardOutcome::kApplied);
  EXPECT_FALSE(g.in_startup());
  EXPECT_EQ(g.check(adjust(3600_s), kNow, false).outcome, GuardOutcome::kRefusedPanic);
  EXPECT_EQ(g.check(adjust(-3600_s), kNow, false).outcome, GuardOutcome::kRefusedPanic);
  EXPECT_EQ(g.check(adjust(1001_s), kNow, false).outcome, GuardOutcome::kRefusedPanic);
  EXPECT_EQ(g.check(adjust(999_s), kNow, false).outcome, GuardOutcome::kApplied);
  EXPECT_EQ(g.check(adjust(Duration::from_ns(kMin)), kNow, false).outcome, GuardOutcome::kRefusedPanic);
}

TEST(ClockGuard, OverflowIsRefusedEvenAtStartUp) {
  ClockGuard g;
  EXPECT_EQ(g.check(adjust(Duration::from_ns(kMax)), kNow, false).outcome, GuardOutcome::kRefusedOverflow);
  EXPECT_EQ(g.check(adjust(Duration::from_ns(kMin)), LocalTime::from_ns(-5), false).outcome, GuardOutcome::kRefusedOverflow);
  EXPECT_TRUE(g.in_startup());  // a refused adjustment does not use up the start-up allowance
}

// A result that fits in int64 but leaves the clock less than a century before the end would
// saturate as the clock runs on, and a saturated clock stands still or runs back: refused too, at
// start-up as later, either way. A century away is still allowed.
TEST(ClockGuard, AResultNearTheEndOfTimeIsRefused) {
  ClockGuard g;
  const std::int64_t to_end = kMax - kNow.ns();
  EXPECT_EQ(g.check(adjust(Duration::from_ns(to_end - 1'000'000'000)), kNow, false).outcome, GuardOutcome::kRefusedOverflow);
  EXPECT_EQ(g.check(adjust(Duration::from_ns(to_end - kClockHeadroomNs + 1), AdjustMode::kSlew), kNow, false).outcome,
            GuardOutcome::kRefusedOverflow);
  EXPECT_EQ(g.check(adjust(Duration::from_ns(-kMaxAbsClockReadingNs - 1)), LocalTime::from_ns(0), false).outcome,
            GuardOutcome::kRefusedOverflow);
  EXPECT_TRUE(g.in_startup());
  EXPECT_EQ(g.check(adjust(Duration::from_ns(to_end - kClockHeadroomNs)), kNow, false).outcome, GuardOutcome::kApplied);
  EXPECT_EQ(g.check(adjust(Duration::from_ns(-kMaxAbsClockReadingNs)), LocalTime::from_ns(0), false).outcome,
            GuardOutcome::kApplied);
}

TEST(ClockGuard, AMasterDoesNotFollowAJump) {
  ClockGuardConfig c;
  c.startup_updates = 0;
  c.master_max_adjust = 100_ms;
  ClockGuard g(c);
  EXPECT_EQ(g.check(adjust(50_ms, AdjustMode::kSlew), kNow, true).outcome, GuardOutcome::kApplied);
  EXPECT_EQ(g.check(adjust(Duration::from_ns(100'000'001)), kNow, true).outcome, GuardOutcome::kRefusedMasterLimit);
  EXPECT_EQ(g.check(adjust(-500_s), kNow, true).outcome, GuardOutcome::kRefusedMasterLimit);
  // A slave may take it (below the panic threshold): that is how a jumped slave is repaired.
  EXPECT_EQ(g.check(adjust(-500_s), kNow, false).outcome, GuardOutcome::kApplied);
}

TEST(ClockGuard, SmallStepsAfterStartUpBecomeSlews) {
  ClockGuardConfig c;
  c.startup_updates = 1;
  c.min_step = 500_ms;
  ClockGuard g(c);
  EXPECT_EQ(g.check(adjust(10_ms), kNow, false).outcome, GuardOutcome::kApplied);  // start-up
  const auto v = g.check(adjust(10_ms), kNow, false);
  EXPECT_EQ(v.outcome, GuardOutcome::kStepAsSlew);
  EXPECT_EQ(v.effect.mode, AdjustMode::kSlew);
  EXPECT_EQ(v.effect.delta, 10_ms);
  EXPECT_EQ(g.check(adjust(600_ms), kNow, false).effect.mode, AdjustMode::kStep);
}

TEST(ClockGuard, RatesAreClampedAndNonFiniteOnesRefused) {
  ClockGuard g;
  auto v = g.check(rate(-2e6), kNow, false);  // rate_ppb = -2e9 on the wire
  EXPECT_EQ(v.outcome, GuardOutcome::kRateClamped);
  EXPECT_DOUBLE_EQ(v.effect.rate_ppm, -500);
  EXPECT_DOUBLE_EQ(g.check(rate(9.2e15), kNow, false).effect.rate_ppm, 500);
  EXPECT_EQ(g.check(rate(120), kNow, false).outcome, GuardOutcome::kApplied);
  EXPECT_EQ(g.check(rate(std::nan("")), kNow, false).outcome, GuardOutcome::kRefusedNotFinite);
  EXPECT_EQ(g.check(rate(INFINITY), kNow, false).outcome, GuardOutcome::kRefusedNotFinite);
}

TEST(ClockGuard, ZeroSwitchesALimitOff) {
  ClockGuardConfig c;
  c.startup_updates = 0;
  c.panic_threshold = Duration::zero();
  c.master_max_adjust = Duration::zero();
  ClockGuard g(c);
  EXPECT_EQ(g.check(adjust(100'000_s), kNow, true).outcome, GuardOutcome::kApplied);
}

// Random effects, hostile values included: never an overflowing target, never a rate outside
// the clamp, never a large correction after start-up.
TEST(ClockGuard, NeverLetsThroughWhatItMustNot) {
  std::uint64_t x = 0x9E3779B97F4A7C15ULL;
  auto next = [&] {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    return x;
  };
  ClockGuard g;
  for (int i = 0; i < 100'000; ++i) {
    const bool is_rate = next() % 4 == 0;
    const std::int64_t raw = static_cast<std::int64_t>(next()) >> (next() % 64);
    const LocalTime now = LocalTime::from_ns(static_cast<std::int64_t>(next()) >> (next() % 3));
    const ClockEffect e = is_rate ? rate(static_cast<double>(raw) * 1e-3) : adjust(Duration::from_ns(raw));
    const bool master = next() % 2 == 0;
    const bool was_startup = g.in_startup();
    const auto v = g.check(e, now, master);
    if (refused(v.outcome)) continue;
    if (is_rate) {
      ASSERT_LE(std::abs(v.effect.rate_ppm), 500);
    } else {
      std::int64_t t = 0;
      ASSERT_FALSE(__builtin_add_overflow(now.ns(), v.effect.delta.ns(), &t));
      ASSERT_LE(abs_u64(t), static_cast<std::uint64_t>(kMaxAbsClockReadingNs));
      if (!was_startup) {
        ASSERT_LE(abs_u64(v.effect.delta.ns()), 1000'000'000'000ULL);
      }
      if (!was_startup && master) {
        ASSERT_LE(abs_u64(v.effect.delta.ns()), 1'000'000'000ULL);
      }
    }
  }
}

}  // namespace
}  // namespace clocksim
