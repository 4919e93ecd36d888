#include "algorithms/core/clock_guard.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <deque>
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
  for (int i = 0; i < 3; ++i) EXPECT_EQ(g.check(adjust(3600_s), kNow, false, 0).outcome, GuardOutcome::kApplied);
  EXPECT_FALSE(g.in_startup());
  EXPECT_EQ(g.check(adjust(3600_s), kNow, false, 0).outcome, GuardOutcome::kRefusedPanic);
  EXPECT_EQ(g.check(adjust(-3600_s), kNow, false, 0).outcome, GuardOutcome::kRefusedPanic);
  EXPECT_EQ(g.check(adjust(1001_s), kNow, false, 0).outcome, GuardOutcome::kRefusedPanic);
  EXPECT_EQ(g.check(adjust(999_s), kNow, false, 0).outcome, GuardOutcome::kApplied);
  EXPECT_EQ(g.check(adjust(Duration::from_ns(kMin)), kNow, false, 0).outcome, GuardOutcome::kRefusedPanic);
}

// Corrections just below the panic threshold do not add up: after start-up, those accepted within
// the last panic_window (host time) together stay within the threshold; as the window moves on,
// its budget comes back. Start-up adjustments are not counted.
TEST(ClockGuard, CorrectionsWithinThePanicWindowTogetherStayWithinTheThreshold) {
  ClockGuard g;  // panic 1000 s over 1 h, 3 start-up adjustments
  constexpr std::int64_t kSecond = 1'000'000'000;
  for (int i = 0; i < 3; ++i) EXPECT_EQ(g.check(adjust(3600_s), kNow, false, 0).outcome, GuardOutcome::kApplied);
  EXPECT_EQ(g.check(adjust(999_s), kNow, false, 10 * kSecond).outcome, GuardOutcome::kApplied);
  for (int i = 1; i < 10; ++i) {
    EXPECT_EQ(g.check(adjust(999_s), kNow, false, (10 + i) * kSecond).outcome, GuardOutcome::kRefusedPanicWindow) << i;
  }
  // Either direction counts: the budget bounds how far and how often the clock is moved.
  EXPECT_EQ(g.check(adjust(-2_s), kNow, false, 30 * kSecond).outcome, GuardOutcome::kRefusedPanicWindow);
  EXPECT_EQ(g.check(adjust(1_s, AdjustMode::kSlew), kNow, false, 40 * kSecond).outcome, GuardOutcome::kApplied);
  EXPECT_EQ(g.check(adjust(1_ms), kNow, false, 50 * kSecond).outcome, GuardOutcome::kRefusedPanicWindow);
  // An hour (and a slice) later the budget is back.
  EXPECT_EQ(g.check(adjust(999_s), kNow, false, (3600 + 120) * kSecond).outcome, GuardOutcome::kApplied);
  EXPECT_EQ(g.check(adjust(999_s), kNow, false, (3600 + 130) * kSecond).outcome, GuardOutcome::kRefusedPanicWindow);
  // A zero window judges each correction alone.
  ClockGuardConfig alone;
  alone.panic_window = Duration::zero();
  alone.startup_updates = 0;
  ClockGuard each(alone);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(each.check(adjust(999_s), kNow, false, i).outcome, GuardOutcome::kApplied);
}

// The window is an hour of host time however its slices fall: a correction late in one slice is
// still counted 64 slices later, when the current slice is the 65th the window touches.
TEST(ClockGuard, ACorrectionLessThanAWindowOldIsCountedAtTheWindowsFarEnd) {
  ClockGuard g;  // panic 1000 s over 1 h: slices of 56.25 s
  for (int i = 0; i < 3; ++i) ASSERT_EQ(g.check(adjust(0_s), kNow, false, 0).outcome, GuardOutcome::kApplied);
  constexpr std::int64_t kSliceNs = 3600'000'000'000LL / 64;
  EXPECT_EQ(g.check(adjust(999_s), kNow, false, kSliceNs - 1).outcome, GuardOutcome::kApplied);
  // 3543.75 s later: the 999 s and this 1 s make the whole budget.
  EXPECT_EQ(g.check(adjust(1_s), kNow, false, 64 * kSliceNs).outcome, GuardOutcome::kApplied);
  EXPECT_EQ(g.check(adjust(999_s), kNow, false, 64 * kSliceNs + 1).outcome, GuardOutcome::kRefusedPanicWindow);
  EXPECT_EQ(g.check(adjust(1_ms), kNow, false, 64 * kSliceNs + 2).outcome, GuardOutcome::kRefusedPanicWindow);
  // Once the first correction's slice has left the window entirely, its 999 s come back.
  EXPECT_EQ(g.check(adjust(999_s), kNow, false, 65 * kSliceNs).outcome, GuardOutcome::kApplied);
}

TEST(ClockGuard, OverflowIsRefusedEvenAtStartUp) {
  ClockGuard g;
  EXPECT_EQ(g.check(adjust(Duration::from_ns(kMax)), kNow, false, 0).outcome, GuardOutcome::kRefusedOverflow);
  EXPECT_EQ(g.check(adjust(Duration::from_ns(kMin)), LocalTime::from_ns(-5), false, 0).outcome, GuardOutcome::kRefusedOverflow);
  EXPECT_TRUE(g.in_startup());  // a refused adjustment does not use up the start-up allowance
}

// A result that fits in int64 but leaves the clock less than a century before the end would
// saturate as the clock runs on, and a saturated clock stands still or runs back: refused too, at
// start-up as later, either way. A century away is still allowed.
TEST(ClockGuard, AResultNearTheEndOfTimeIsRefused) {
  ClockGuard g;
  const std::int64_t to_end = kMax - kNow.ns();
  EXPECT_EQ(g.check(adjust(Duration::from_ns(to_end - 1'000'000'000)), kNow, false, 0).outcome, GuardOutcome::kRefusedOverflow);
  EXPECT_EQ(g.check(adjust(Duration::from_ns(to_end - kClockHeadroomNs + 1), AdjustMode::kSlew), kNow, false, 0).outcome,
            GuardOutcome::kRefusedOverflow);
  EXPECT_EQ(g.check(adjust(Duration::from_ns(-kMaxAbsClockReadingNs - 1)), LocalTime::from_ns(0), false, 0).outcome,
            GuardOutcome::kRefusedOverflow);
  EXPECT_TRUE(g.in_startup());
  EXPECT_EQ(g.check(adjust(Duration::from_ns(to_end - kClockHeadroomNs)), kNow, false, 0).outcome, GuardOutcome::kApplied);
  EXPECT_EQ(g.check(adjust(Duration::from_ns(-kMaxAbsClockReadingNs)), LocalTime::from_ns(0), false, 0).outcome,
            GuardOutcome::kApplied);
}

TEST(ClockGuard, AMasterDoesNotFollowAJump) {
  ClockGuardConfig c;
  c.startup_updates = 0;
  c.master_max_adjust = 100_ms;
  ClockGuard g(c);
  EXPECT_EQ(g.check(adjust(50_ms, AdjustMode::kSlew), kNow, true, 0).outcome, GuardOutcome::kApplied);
  EXPECT_EQ(g.check(adjust(Duration::from_ns(100'000'001)), kNow, true, 0).outcome, GuardOutcome::kRefusedMasterLimit);
  EXPECT_EQ(g.check(adjust(-500_s), kNow, true, 0).outcome, GuardOutcome::kRefusedMasterLimit);
  // A slave may take it (below the panic threshold): that is how a jumped slave is repaired.
  EXPECT_EQ(g.check(adjust(-500_s), kNow, false, 0).outcome, GuardOutcome::kApplied);
}

TEST(ClockGuard, SmallStepsAfterStartUpBecomeSlews) {
  ClockGuardConfig c;
  c.startup_updates = 1;
  c.min_step = 500_ms;
  ClockGuard g(c);
  EXPECT_EQ(g.check(adjust(10_ms), kNow, false, 0).outcome, GuardOutcome::kApplied);  // start-up
  const auto v = g.check(adjust(10_ms), kNow, false, 0);
  EXPECT_EQ(v.outcome, GuardOutcome::kStepAsSlew);
  EXPECT_EQ(v.effect.mode, AdjustMode::kSlew);
  EXPECT_EQ(v.effect.delta, 10_ms);
  EXPECT_EQ(g.check(adjust(600_ms), kNow, false, 0).effect.mode, AdjustMode::kStep);
}

TEST(ClockGuard, RatesAreClampedAndNonFiniteOnesRefused) {
  ClockGuard g;
  auto v = g.check(rate(-2e6), kNow, false, 0);  // rate_ppb = -2e9 on the wire
  EXPECT_EQ(v.outcome, GuardOutcome::kRateClamped);
  EXPECT_DOUBLE_EQ(v.effect.rate_ppm, -500);
  EXPECT_DOUBLE_EQ(g.check(rate(9.2e15), kNow, false, 0).effect.rate_ppm, 500);
  EXPECT_EQ(g.check(rate(120), kNow, false, 0).outcome, GuardOutcome::kApplied);
  EXPECT_EQ(g.check(rate(std::nan("")), kNow, false, 0).outcome, GuardOutcome::kRefusedNotFinite);
  EXPECT_EQ(g.check(rate(INFINITY), kNow, false, 0).outcome, GuardOutcome::kRefusedNotFinite);
}

TEST(ClockGuard, ZeroSwitchesALimitOff) {
  ClockGuardConfig c;
  c.startup_updates = 0;
  c.panic_threshold = Duration::zero();
  c.master_max_adjust = Duration::zero();
  ClockGuard g(c);
  EXPECT_EQ(g.check(adjust(100'000_s), kNow, true, 0).outcome, GuardOutcome::kApplied);
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
  std::int64_t host_ns = 0;
  // The corrections accepted after start-up, to check the window's sum against.
  std::deque<std::pair<std::int64_t, std::uint64_t>> accepted;
  for (int i = 0; i < 100'000; ++i) {
    host_ns += static_cast<std::int64_t>(next() % 120'000'000'000ULL);  // up to 2 min on
    const bool is_rate = next() % 4 == 0;
    const std::int64_t raw = static_cast<std::int64_t>(next()) >> (next() % 64);
    const LocalTime now = LocalTime::from_ns(static_cast<std::int64_t>(next()) >> (next() % 3));
    const ClockEffect e = is_rate ? rate(static_cast<double>(raw) * 1e-3) : adjust(Duration::from_ns(raw));
    const bool master = next() % 2 == 0;
    const bool was_startup = g.in_startup();
    const auto v = g.check(e, now, master, host_ns);
    if (refused(v.outcome)) continue;
    if (is_rate) {
      ASSERT_LE(std::abs(v.effect.rate_ppm), 500);
    } else {
      std::int64_t t = 0;
      ASSERT_FALSE(__builtin_add_overflow(now.ns(), v.effect.delta.ns(), &t));
      ASSERT_LE(abs_u64(t), static_cast<std::uint64_t>(kMaxAbsClockReadingNs));
      if (!was_startup) {
        ASSERT_LE(abs_u64(v.effect.delta.ns()), 1000'000'000'000ULL);
        accepted.emplace_back(host_ns, abs_u64(v.effect.delta.ns()));
        while (accepted.front().first <= host_ns - 3600'000'000'000LL) accepted.pop_front();
        std::uint64_t in_window = 0;
        for (const auto& [at, moved] : accepted) {
          if (at > host_ns - 3600'000'000'000LL) in_window += moved;
        }
        ASSERT_LE(in_window, 1000'000'000'000ULL);
      }
      if (!was_startup && master) {
        ASSERT_LE(abs_u64(v.effect.delta.ns()), 1'000'000'000ULL);
      }
    }
  }
}

}  // namespace
}  // namespace clocksim
