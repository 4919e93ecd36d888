#include "algorithms/core/clock_guard.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <deque>
#include <limits>
#include <vector>

#include "algorithms/core/checked_math.hpp"

namespace clocksim {
namespace clock_guard_test {

using namespace literals;
constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();

ClockEffect adjust(Duration d, AdjustMode mode = AdjustMode::kStep) {
  return ClockEffect{ClockEffect::Kind::kAdjust, mode, d, 0};
}
ClockEffect rate(double ppm) { return ClockEffect{ClockEffect::Kind::kSetRate, AdjustMode::kSlew, {}, ppm}; }
const LocalTime kNow = LocalTime::from_ns(1'700'000'000'000'000'000);
Evidence evidence(std::uint32_t consulted, std::vector<Witness> witnesses) { return Evidence{consulted, std::move(witnesses)}; }

// The randomized adversaries' draws: fixed seeds, the same runs everywhere.
struct XorShift {
  std::uint64_t x;
  std::uint64_t operator()() {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    return x;
  }
};

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

// At start-up a correction within the panic threshold is allowed (the allowance ends after
// three), one above it only with the evidence of a majority (tested below); after start-up the
// threshold holds whatever the evidence says.
TEST(ClockGuard, StartUpAllowsCorrectionsWithinTheThresholdThenTheThresholdHoldsForAll) {
  ClockGuard g;  // defaults: panic 1000 s, 3 start-up adjustments
  EXPECT_TRUE(g.in_startup());
  EXPECT_EQ(g.check(adjust(3600_s), kNow, false, 0).outcome, GuardOutcome::kRefusedUncorroborated);
  EXPECT_TRUE(g.in_startup());  // a refused correction does not use the allowance up
  for (int i = 0; i < 3; ++i) EXPECT_EQ(g.check(adjust(100_s), kNow, false, 0).outcome, GuardOutcome::kApplied);
  EXPECT_FALSE(g.in_startup());
  const Evidence all_agree = evidence(3, {{1, 3600_s}, {2, 3600_s}, {3, 3600_s}});
  EXPECT_EQ(g.check(adjust(3600_s), kNow, false, 0, all_agree).outcome, GuardOutcome::kRefusedPanic);
  EXPECT_EQ(g.check(adjust(-3600_s), kNow, false, 0).outcome, GuardOutcome::kRefusedPanic);
  EXPECT_EQ(g.check(adjust(1001_s), kNow, false, 0).outcome, GuardOutcome::kRefusedPanic);
  EXPECT_EQ(g.check(adjust(Duration::from_ns(kMin)), kNow, false, 0).outcome, GuardOutcome::kRefusedPanic);
  // The 300 s of start-up corrections count in the window: 700 s are left of this hour.
  EXPECT_EQ(g.check(adjust(701_s), kNow, false, 0).outcome, GuardOutcome::kRefusedPanicWindow);
  EXPECT_EQ(g.check(adjust(700_s), kNow, false, 0).outcome, GuardOutcome::kApplied);
}

// Corrections just below the panic threshold do not add up: those accepted within the last
// panic_window (host time), start-up ones included, together stay within the threshold; as the
// window moves on, its budget comes back.
TEST(ClockGuard, CorrectionsWithinThePanicWindowTogetherStayWithinTheThreshold) {
  ClockGuard g;  // panic 1000 s over 1 h, 3 start-up adjustments
  constexpr std::int64_t kSecond = 1'000'000'000;
  EXPECT_EQ(g.check(adjust(999_s), kNow, false, 10 * kSecond).outcome, GuardOutcome::kApplied);
  EXPECT_TRUE(g.in_startup());
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
// start-up as later, either way, whatever the evidence (every witness agreeing). A century away
// is still allowed.
TEST(ClockGuard, AResultNearTheEndOfTimeIsRefused) {
  ClockGuard g;
  const std::int64_t to_end = kMax - kNow.ns();
  // Every consulted member read the clock as off by exactly `d`.
  auto unanimous = [](std::int64_t d) { return evidence(2, {{1, Duration::from_ns(d)}, {2, Duration::from_ns(d)}}); };
  for (std::int64_t d : {to_end - 1'000'000'000, to_end - kClockHeadroomNs + 1}) {
    EXPECT_EQ(g.check(adjust(Duration::from_ns(d), AdjustMode::kSlew), kNow, false, 0, unanimous(d)).outcome,
              GuardOutcome::kRefusedOverflow);
  }
  EXPECT_EQ(g.check(adjust(Duration::from_ns(-kMaxAbsClockReadingNs - 1)), LocalTime::from_ns(0), false, 0,
                    unanimous(-kMaxAbsClockReadingNs - 1))
                .outcome,
            GuardOutcome::kRefusedOverflow);
  EXPECT_TRUE(g.in_startup());
  EXPECT_EQ(g.check(adjust(Duration::from_ns(to_end - kClockHeadroomNs)), kNow, false, 0, unanimous(to_end - kClockHeadroomNs))
                .outcome,
            GuardOutcome::kApplied);
  EXPECT_EQ(g.check(adjust(Duration::from_ns(-kMaxAbsClockReadingNs)), LocalTime::from_ns(0), false, 0,
                    unanimous(-kMaxAbsClockReadingNs))
                .outcome,
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

// Random effects, hostile values included, with no evidence behind them: never an overflowing
// target, never a rate outside the clamp, never a correction above the threshold (at start-up
// neither), never more than the threshold within an hour.
TEST(ClockGuard, NeverLetsThroughWhatItMustNot) {
  XorShift next{0x9E3779B97F4A7C15ULL};
  ClockGuard g;
  std::int64_t host_ns = 0;
  // The corrections accepted, to check the window's sum against.
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
      ASSERT_LE(abs_u64(v.effect.delta.ns()), 1000'000'000'000ULL);
      accepted.emplace_back(host_ns, abs_u64(v.effect.delta.ns()));
      while (accepted.front().first <= host_ns - 3600'000'000'000LL) accepted.pop_front();
      std::uint64_t in_window = 0;
      for (const auto& [at, moved] : accepted) {
        if (at > host_ns - 3600'000'000'000LL) in_window += moved;
      }
      ASSERT_LE(in_window, 1000'000'000'000ULL);
      if (!was_startup && master) {
        ASSERT_LE(abs_u64(v.effect.delta.ns()), 1'000'000'000ULL);
      }
    }
  }
}

// The start-up rule: a correction above the panic threshold needs a majority of the members
// consulted (and at least startup_quorum) reading the clock as off by amounts within the
// tolerance of one another, and must move the clock toward them without passing them.
TEST(ClockGuard, AStartUpCorrectionAboveTheThresholdNeedsACorroboratingMajority) {
  constexpr std::int64_t kYear = 365LL * 86'400 * 1'000'000'000;
  const Duration thirty_years = Duration::from_ns(30 * kYear);
  // Three neighbours, honest ones and a liar: 47 years is what INT64_MAX did through a mean.
  {
    ClockGuard g;
    const Evidence e = evidence(3, {{1, 0_s}, {2, 1_ms}, {3, Duration::from_ns(kMax)}});
    const auto v = g.check(adjust(Duration::from_ns(47 * kYear)), kNow, false, 0, e);
    EXPECT_EQ(v.outcome, GuardOutcome::kRefusedUncorroborated);
    EXPECT_EQ(v.agreeing, 2u);
    EXPECT_EQ(v.needed, 2u);
    EXPECT_TRUE(g.in_startup());
  }
  // A node that booted 30 years behind: its three neighbours agree, a mean of its own reading and
  // theirs moves it three quarters of the way, and the next rounds too; none of it uses up the
  // allowance or the hour's budget.
  {
    ClockGuard g;
    Duration left = thirty_years;
    for (int round = 0; left > 1000_s; ++round) {
      const Evidence e = evidence(3, {{1, left}, {2, left + 3_ms}, {3, left - 2_ms}});
      const Duration step = Duration::from_ns(left.ns() / 4 * 3);
      ASSERT_EQ(g.check(adjust(step), kNow, false, round, e).outcome, GuardOutcome::kApplied) << round;
      left -= step;
    }
    EXPECT_TRUE(g.in_startup());
    EXPECT_EQ(g.check(adjust(999_s), kNow, false, 100).outcome, GuardOutcome::kApplied);
    // ... also when the fourth answer is a liar's extreme that a majority outvotes.
    ClockGuard h;
    const Evidence e = evidence(4, {{1, -thirty_years}, {2, -thirty_years}, {3, -thirty_years + 1_ms},
                                    {4, Duration::from_ns(kMin)}});
    EXPECT_EQ(h.check(adjust(Duration::from_ns(-thirty_years.ns() / 2)), kNow, false, 0, e).outcome, GuardOutcome::kApplied);
    // Not past them (by more than the tolerance), not the other way, not by a minority.
    EXPECT_EQ(h.check(adjust(-thirty_years - 1_s - 4_ms), kNow, false, 0, e).outcome, GuardOutcome::kRefusedUncorroborated);
    EXPECT_EQ(h.check(adjust(-thirty_years - 1_s), kNow, false, 0, e).outcome, GuardOutcome::kApplied);
    EXPECT_EQ(h.check(adjust(thirty_years), kNow, false, 0, e).outcome, GuardOutcome::kRefusedUncorroborated);
    const Evidence minority = evidence(5, {{1, -thirty_years}, {2, -thirty_years}});
    EXPECT_EQ(h.check(adjust(-thirty_years), kNow, false, 0, minority).outcome, GuardOutcome::kRefusedUncorroborated);
  }
  // Members consulted but silent count against the majority: a liar that answers alone while the
  // others' replies are lost is one of three.
  {
    ClockGuard g;
    const auto v = g.check(adjust(-thirty_years), kNow, false, 0, evidence(3, {{3, -thirty_years}}));
    EXPECT_EQ(v.outcome, GuardOutcome::kRefusedUncorroborated);
    EXPECT_EQ(v.agreeing, 1u);
    EXPECT_EQ(v.needed, 2u);
  }
  // A member is one witness however often it is named, and the node is none of itself.
  {
    ClockGuard g;
    const Evidence repeated = evidence(3, {{3, thirty_years}, {3, thirty_years}, {3, thirty_years}});
    EXPECT_EQ(g.check(adjust(thirty_years), kNow, false, 0, repeated).outcome, GuardOutcome::kRefusedUncorroborated);
    const Evidence with_self = evidence(2, {{7, thirty_years}, {3, thirty_years}});
    EXPECT_EQ(g.check(adjust(thirty_years), kNow, false, 0, with_self, 7).outcome, GuardOutcome::kRefusedUncorroborated);
    EXPECT_EQ(g.check(adjust(thirty_years), kNow, false, 0, with_self, 9).outcome, GuardOutcome::kApplied);
    // With no consulted count, the witnesses themselves are the members consulted.
    EXPECT_EQ(g.check(adjust(thirty_years), kNow, false, 0, evidence(0, {{3, thirty_years}})).outcome,
              GuardOutcome::kRefusedUncorroborated);
    EXPECT_EQ(g.check(adjust(thirty_years), kNow, false, 0, evidence(0, {{3, thirty_years}, {4, thirty_years}})).outcome,
              GuardOutcome::kApplied);
  }
  // A lone source (a Berkeley slave's master, a Cristian client's server) is not enough by
  // default: under an election any member can claim to be that master. startup_quorum 1 trusts
  // it, as ntpd -g and chrony trust a single configured server.
  {
    ClockGuard g;
    const Evidence lone = evidence(1, {{1, thirty_years}});
    const auto v = g.check(adjust(thirty_years), kNow, false, 0, lone);
    EXPECT_EQ(v.outcome, GuardOutcome::kRefusedUncorroborated);
    EXPECT_EQ(v.agreeing, 1u);
    EXPECT_EQ(v.needed, 2u);
    ClockGuardConfig c;
    c.startup_quorum = 1;
    ClockGuard trusting(c);
    EXPECT_EQ(trusting.check(adjust(thirty_years), kNow, false, 0, lone).outcome, GuardOutcome::kApplied);
  }
  // startup_quorum 0: the start-up allowance as it was, any size and uncounted.
  {
    ClockGuardConfig c;
    c.startup_quorum = 0;
    ClockGuard g(c);
    for (int i = 0; i < 3; ++i) EXPECT_EQ(g.check(adjust(thirty_years), kNow, false, 0).outcome, GuardOutcome::kApplied);
    EXPECT_FALSE(g.in_startup());
    EXPECT_EQ(g.check(adjust(999_s), kNow, false, 0).outcome, GuardOutcome::kApplied);
  }
}

// The edges: exactly the threshold is within it; readings exactly the tolerance apart agree and
// one more nanosecond does not; a correction exactly at the far edge passes; extremes of int64 in
// the readings neither wrap nor pass.
TEST(ClockGuard, StartUpRuleEdges) {
  {
    ClockGuard g;
    EXPECT_EQ(g.check(adjust(1000_s), kNow, false, 0).outcome, GuardOutcome::kApplied);
    ClockGuard h;
    EXPECT_EQ(h.check(adjust(1000_s + Duration::from_ns(1)), kNow, false, 0).outcome, GuardOutcome::kRefusedUncorroborated);
    EXPECT_EQ(h.check(adjust(-1000_s - Duration::from_ns(1)), kNow, false, 0).outcome, GuardOutcome::kRefusedUncorroborated);
  }
  {
    ClockGuard g;  // tolerance 1 s
    const Duration d = 5000_s;
    EXPECT_EQ(g.check(adjust(d), kNow, false, 0, evidence(2, {{1, d}, {2, d + 1_s}})).outcome, GuardOutcome::kApplied);
    EXPECT_EQ(g.check(adjust(d), kNow, false, 0, evidence(2, {{1, d}, {2, d + 1_s + Duration::from_ns(1)}})).outcome,
              GuardOutcome::kRefusedUncorroborated);
    const Evidence e = evidence(2, {{1, d}, {2, d}});
    EXPECT_EQ(g.check(adjust(d + 1_s), kNow, false, 0, e).outcome, GuardOutcome::kApplied);
    EXPECT_EQ(g.check(adjust(d + 1_s + Duration::from_ns(1)), kNow, false, 0, e).outcome, GuardOutcome::kRefusedUncorroborated);
  }
  {
    ClockGuardConfig c;
    c.startup_tolerance = Duration::from_ns(kMax);  // everything agrees: the sums must saturate
    ClockGuard g(c);
    const Evidence e = evidence(3, {{1, Duration::from_ns(kMin)}, {2, Duration::from_ns(kMax)}, {3, Duration::from_ns(kMin + 1)}});
    EXPECT_EQ(g.check(adjust(Duration::from_ns(kMin)), kNow, false, 0, e).outcome, GuardOutcome::kRefusedOverflow);
    EXPECT_EQ(g.check(adjust(Duration::from_ns(kMax)), kNow, false, 0, e).outcome, GuardOutcome::kRefusedOverflow);
    ClockGuard h;  // tolerance 1 s: the extremes and 0 agree with nobody
    const Evidence apart = evidence(3, {{1, Duration::from_ns(kMin)}, {2, Duration::from_ns(kMax)}, {3, 0_s}});
    EXPECT_EQ(h.check(adjust(Duration::from_ns(-kMaxAbsClockReadingNs)), LocalTime::from_ns(0), false, 0, apart).outcome,
              GuardOutcome::kRefusedUncorroborated);
  }
}

// A restart is a new process, so a new guard: the allowance opens again (ntpd -g), and the majority
// rule with it; the window does not, when the host keeps it (clocksyncd's state file): the
// liar's budget spent in the first run is not given back by the second or the third.
TEST(ClockGuard, ARestartReopensTheAllowanceButNotTheDoor) {
  const Evidence liar_outvoted = evidence(3, {{1, 0_s}, {2, 0_s}, {3, Duration::from_ns(kMax)}});
  const BootId boot{7};
  PanicWindowState kept;
  for (int run = 0; run < 3; ++run) {
    ClockGuard g;
    g.restore_window(kept, boot, run);
    EXPECT_TRUE(g.in_startup()) << run;
    EXPECT_EQ(g.check(adjust(Duration::from_ns(kMax / 4)), kNow, false, run, liar_outvoted).outcome,
              GuardOutcome::kRefusedUncorroborated);
    const auto v = g.check(adjust(1000_s), kNow, false, run, liar_outvoted);
    EXPECT_EQ(v.outcome, run == 0 ? GuardOutcome::kApplied : GuardOutcome::kRefusedPanicWindow) << run;
    EXPECT_EQ(v.counted, run == 0) << run;
    EXPECT_EQ(g.check(adjust(1_ms), kNow, false, run + 1, liar_outvoted).outcome, GuardOutcome::kRefusedPanicWindow);
    kept = g.window_state(boot);
  }
  // Without the kept window, each run would have its own budget: the bound per run only.
  ClockGuard forgetful;
  EXPECT_EQ(forgetful.check(adjust(1000_s), kNow, false, 3, liar_outvoted).outcome, GuardOutcome::kApplied);
}

// Corrections just below the threshold, with a restart between each two: what the window counted
// before a restart is refused after it, all hour long; an hour after the first correction (and a
// slice), the budget is back. Only counted corrections change the window (and so need a save): a
// zero adjustment, or a zero rate where none ran, does not.
TEST(ClockGuard, ABudgetSpentBeforeARestartStillRefusesAfterIt) {
  constexpr std::int64_t kSecond = 1'000'000'000;
  const BootId boot{1, 1};
  PanicWindowState kept;
  std::int64_t host_ns = 10 * kSecond;
  std::uint64_t applied_ns = 0;
  for (int run = 0; run < 20; ++run, host_ns += 120 * kSecond) {
    ClockGuard g;
    g.restore_window(kept, boot, host_ns);
    EXPECT_EQ(g.moved_in_window_ns(host_ns), applied_ns) << run;
    const auto v = g.check(adjust(run % 2 == 0 ? 600_s : -600_s), kNow, false, host_ns);
    if (!refused(v.outcome)) applied_ns += 600'000'000'000;
    EXPECT_EQ(v.outcome, run == 0 ? GuardOutcome::kApplied : GuardOutcome::kRefusedPanicWindow) << run;
    EXPECT_FALSE(g.check(rate(0), kNow, false, host_ns).counted);
    EXPECT_FALSE(g.check(adjust(0_s), kNow, false, host_ns).counted);
    kept = g.window_state(boot);
  }
  EXPECT_EQ(applied_ns, 600'000'000'000u);
  ClockGuard later;
  later.restore_window(kept, boot, (10 + 3600 + 60) * kSecond);
  EXPECT_EQ(later.check(adjust(999_s), kNow, false, (10 + 3600 + 60) * kSecond).outcome, GuardOutcome::kApplied);
}

// The guard's window round-trips through its plain state: a second guard restored from it judges
// as the first one would.
TEST(ClockGuard, ItsWindowRoundTripsThroughItsState) {
  constexpr std::int64_t kSecond = 1'000'000'000;
  const BootId boot{9};
  ClockGuard g;
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(g.check(adjust(100_s), kNow, false, i * 700 * kSecond).counted) << i;
  const PanicWindowState kept = g.window_state(boot);
  EXPECT_EQ(kept.slices.size(), 5u);
  ClockGuard h;
  h.restore_window(kept, boot, 2800 * kSecond);
  EXPECT_EQ(h.window_state(boot), kept);
  for (std::int64_t t = 2800; t < 8000; t += 300) {
    EXPECT_EQ(h.moved_in_window_ns(t * kSecond), g.moved_in_window_ns(t * kSecond)) << t;
  }
  EXPECT_EQ(h.check(adjust(501_s), kNow, false, 2800 * kSecond).outcome, GuardOutcome::kRefusedPanicWindow);
  EXPECT_EQ(h.check(adjust(500_s), kNow, false, 2800 * kSecond).outcome, GuardOutcome::kApplied);
}

// A randomized adversary at start-up and after restarts: honest members read the clock as off by
// about H (within half the tolerance), one liar says anything (int64 extremes included), some
// members stay silent, and the correction asked is anything: the liar's word, a mean polluted by
// it, H, or random. Every correction accepted is either within the panic threshold (and the
// hour's sum within it) or lies between 0 and H, give or take 2.5 tolerances: one liar never
// moves a node past where its honest majority reads it.
TEST(ClockGuard, OneLiarCannotMoveANodePastItsHonestMajority) {
  XorShift next{0x243F6A8885A308D3ULL};
  constexpr std::int64_t kPanic = 1000'000'000'000;
  constexpr std::int64_t kTol = 1'000'000'000;
  std::size_t accepted_beyond = 0;
  std::size_t undone = 0;
  for (int run = 0; run < 2000; ++run) {
    ClockGuard g;  // a new run of the process
    const std::int64_t honest_h = static_cast<std::int64_t>(next()) >> (2 + next() % 62);
    const std::uint32_t others = 1 + static_cast<std::uint32_t>(next() % 9);  // members consulted
    const NodeId liar = 1 + static_cast<NodeId>(next() % others);
    std::int64_t host_ns = 0;
    std::deque<std::pair<std::int64_t, std::uint64_t>> counted;
    for (int k = 0; k < 20; ++k) {
      host_ns += static_cast<std::int64_t>(next() % 600'000'000'000ULL);
      Evidence e;
      e.consulted = others;
      const std::int64_t lie = next() % 3 == 0 ? (next() % 2 ? kMax : kMin) : static_cast<std::int64_t>(next()) >> (next() % 64);
      std::int64_t sum = 0;
      std::uint32_t heard = 0;
      for (NodeId m = 1; m <= others; ++m) {
        if (m != liar && next() % 5 == 0) continue;  // silent
        const std::int64_t reading =
            m == liar ? lie : sat_add(honest_h, static_cast<std::int64_t>(next() % kTol) - kTol / 2);
        e.witnesses.push_back({m, Duration::from_ns(reading)});
        sum = sat_add(sum, reading / static_cast<std::int64_t>(others + 1));
        ++heard;
      }
      std::int64_t asked = 0;
      switch (next() % 4) {
        case 0: asked = lie; break;
        case 1: asked = sum; break;
        case 2: asked = honest_h; break;
        default: asked = static_cast<std::int64_t>(next()) >> (next() % 64); break;
      }
      const auto v = g.check(adjust(Duration::from_ns(asked)), kNow, false, host_ns, e);
      if (refused(v.outcome)) continue;
      if (v.undone_ns != 0) {
        // Past the spent window only what the honest majority corroborates, and only back.
        ++undone;
        ASSERT_GE(v.effect.delta.ns(), std::min<std::int64_t>(0, sat_sub(honest_h, 5 * kTol / 2))) << run << " " << k;
        ASSERT_LE(v.effect.delta.ns(), std::max<std::int64_t>(0, sat_add(honest_h, 5 * kTol / 2))) << run << " " << k;
        continue;
      }
      const std::uint64_t size = abs_u64(asked);
      if (size > static_cast<std::uint64_t>(kPanic)) {
        ++accepted_beyond;
        ASSERT_GE(asked, std::min<std::int64_t>(0, sat_sub(honest_h, 5 * kTol / 2))) << run << " " << k;
        ASSERT_LE(asked, std::max<std::int64_t>(0, sat_add(honest_h, 5 * kTol / 2))) << run << " " << k;
        continue;
      }
      counted.emplace_back(host_ns, size);
      std::uint64_t in_window = 0;
      for (const auto& [at, moved] : counted) {
        if (at > host_ns - 3600'000'000'000LL) in_window += moved;
      }
      ASSERT_LE(in_window, static_cast<std::uint64_t>(kPanic)) << run << " " << k;
    }
  }
  EXPECT_GT(accepted_beyond, 100u);  // the honest majority did set far-off clocks
  EXPECT_GT(undone, 10u);            // and took back what the liar had spent the window on
}

// After start-up, a liar that spent the hour's budget leaves the node off by up to the threshold;
// its honest majority takes that back past the spent window, once and no farther, while the
// liar, a lone source and a minority stay refused.
TEST(ClockGuard, AMajorityTakesBackWhatALiarMovedPastASpentWindow) {
  constexpr std::int64_t kSecond = 1'000'000'000;
  ClockGuardConfig config;
  config.startup_updates = 0;
  config.startup_quorum = 1;  // trusts a lone source at start-up; an undo still needs two
  ClockGuard g(config);
  const Evidence liar = evidence(4, {{4, 999_s}});
  ASSERT_EQ(g.check(adjust(999_s), kNow, false, 10 * kSecond, liar, 0).outcome, GuardOutcome::kApplied);
  EXPECT_EQ(g.check(adjust(999_s), kNow, false, 20 * kSecond, liar, 0).outcome, GuardOutcome::kRefusedPanicWindow);
  EXPECT_EQ(g.check(adjust(-999_s), kNow, false, 21 * kSecond, evidence(1, {{1, -999_s}}), 0).outcome,
            GuardOutcome::kRefusedPanicWindow);
  EXPECT_EQ(g.check(adjust(-999_s), kNow, false, 22 * kSecond, evidence(5, {{1, -999_s}, {2, -999_s}}), 0).outcome,
            GuardOutcome::kRefusedPanicWindow);
  // Witnesses that disagree by more than the tolerance are no majority.
  EXPECT_EQ(g.check(adjust(-999_s), kNow, false, 23 * kSecond, evidence(3, {{1, -999_s}, {2, -990_s}}), 0).outcome,
            GuardOutcome::kRefusedPanicWindow);
  // This node is no witness of itself, and a member counts once.
  EXPECT_EQ(g.check(adjust(-999_s), kNow, false, 24 * kSecond, evidence(3, {{0, -999_s}, {1, -999_s}, {1, -999_s}}), 0)
                .outcome,
            GuardOutcome::kRefusedPanicWindow);
  const Evidence honest = evidence(4, {{1, Duration::from_ns(-999 * kSecond + 300'000'000)}, {2, -999_s}, {3, -999_s}});
  const auto back = g.check(adjust(-999_s), kNow, false, 100 * kSecond, honest, 0);
  EXPECT_EQ(back.outcome, GuardOutcome::kApplied);
  EXPECT_EQ(back.effect.delta, -999_s);
  EXPECT_EQ(back.undone_ns, static_cast<std::uint64_t>(999 * kSecond));
  EXPECT_TRUE(back.counted);
  EXPECT_EQ(back.agreeing, 3u);
  // Taken back once: not again, and the liar's budget is no fresher for it.
  EXPECT_EQ(g.check(adjust(-999_s), kNow, false, 110 * kSecond, honest, 0).outcome, GuardOutcome::kRefusedPanicWindow);
  EXPECT_EQ(g.check(adjust(999_s), kNow, false, 120 * kSecond, liar, 0).outcome, GuardOutcome::kRefusedPanicWindow);
  // An hour after the liar's correction its budget is back, less the undo (counted in a later
  // slice of the window), until that has left the window too.
  EXPECT_EQ(g.check(adjust(999_s), kNow, false, 3700 * kSecond, liar, 0).outcome, GuardOutcome::kRefusedPanicWindow);
  EXPECT_EQ(g.check(adjust(1_s), kNow, false, 3701 * kSecond, liar, 0).outcome, GuardOutcome::kApplied);
  EXPECT_EQ(g.check(adjust(999_s), kNow, false, 3760 * kSecond, liar, 0).outcome, GuardOutcome::kApplied);
}

// An undo asked for more than the window holds is cut to what it holds; a master is held to its
// per-adjustment limit as ever.
TEST(ClockGuard, AnUndoIsCutToWhatTheWindowHolds) {
  constexpr std::int64_t kSecond = 1'000'000'000;
  ClockGuardConfig config;
  config.startup_updates = 0;
  ClockGuard g(config);
  ASSERT_EQ(g.check(adjust(600_s), kNow, false, kSecond).outcome, GuardOutcome::kApplied);
  ASSERT_EQ(g.check(adjust(-100_s), kNow, false, 2 * kSecond).outcome, GuardOutcome::kApplied);
  ASSERT_EQ(g.check(adjust(300_s), kNow, false, 3 * kSecond).outcome, GuardOutcome::kApplied);
  const Evidence majority = evidence(3, {{1, -900_s}, {2, -900_s}});
  const auto cut = g.check(adjust(-900_s, AdjustMode::kSlew), kNow, false, 4 * kSecond, majority, 0);
  EXPECT_EQ(cut.outcome, GuardOutcome::kUndoClipped);
  EXPECT_EQ(cut.effect.delta, -800_s);  // the net: +600 - 100 + 300
  EXPECT_EQ(cut.undone_ns, static_cast<std::uint64_t>(800 * kSecond));
  EXPECT_EQ(g.check(adjust(-1_s), kNow, false, 5 * kSecond, majority, 0).outcome, GuardOutcome::kRefusedPanicWindow);
  ClockGuard m(config);
  ASSERT_EQ(m.check(adjust(999_ms), kNow, true, kSecond).outcome, GuardOutcome::kApplied);
  for (int i = 0; i < 1000; ++i) m.check(adjust(999_ms), kNow, true, (2 + i) * kSecond);
  EXPECT_EQ(m.check(adjust(-2_s), kNow, true, 2000 * kSecond, evidence(3, {{1, -2_s}, {2, -2_s}}), 0).outcome,
            GuardOutcome::kRefusedMasterLimit);
}

// Whatever corroborates what (a lying majority, an honest one, a lone source), across restarts:
// within any window the clock moves by at most the threshold in all, undos included.
TEST(ClockGuard, WithinAnyWindowTheClockMovesByAtMostTheThresholdWhoeverCorroborates) {
  XorShift next{0x9E3779B97F4A7C15ULL};
  constexpr std::int64_t kSecond = 1'000'000'000;
  constexpr std::int64_t kPanic = 1000 * kSecond;
  constexpr std::int64_t kWindow = 3600 * kSecond;
  const BootId boot{7};
  ClockGuardConfig config;
  config.startup_updates = 0;
  std::size_t undos = 0;
  for (int run = 0; run < 400; ++run) {
    ClockGuard g(config);
    std::vector<std::pair<std::int64_t, std::int64_t>> applied;  // host_ns, delta_ns
    std::int64_t host_ns = 0;
    for (int k = 0; k < 60; ++k) {
      host_ns += static_cast<std::int64_t>(next() % (1200 * static_cast<std::uint64_t>(kSecond)));
      if (next() % 8 == 0) {  // a restart that keeps the window
        const PanicWindowState kept = g.window_state(boot);
        g = ClockGuard(config);
        g.restore_window(kept, boot, host_ns);
      }
      const std::int64_t asked = static_cast<std::int64_t>(next() % (2400 * static_cast<std::uint64_t>(kSecond))) - 1200 * kSecond;
      Evidence e;
      e.consulted = 5;
      const std::uint32_t agreeing = static_cast<std::uint32_t>(next() % 6);
      for (NodeId m = 1; m <= agreeing; ++m) e.witnesses.push_back({m, Duration::from_ns(asked)});
      const auto v = g.check(adjust(Duration::from_ns(asked)), kNow, false, host_ns, e, 0);
      if (refused(v.outcome)) continue;
      if (v.undone_ns != 0) ++undos;
      applied.emplace_back(host_ns, v.effect.delta.ns());
      for (std::size_t i = 0; i < applied.size(); ++i) {
        if (applied.back().first - applied[i].first >= kWindow) continue;
        std::int64_t moved = 0;
        for (std::size_t j = i; j < applied.size(); ++j) moved += applied[j].second;
        ASSERT_LE(abs_u64(moved), static_cast<std::uint64_t>(kPanic)) << run << " " << k << " from " << i;
      }
    }
  }
  EXPECT_GT(undos, 100u);
}

}  // namespace clock_guard_test
}  // namespace clocksim
