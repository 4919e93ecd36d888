// A frequency correction's movement counts toward the panic window with the phase corrections
// (clock_guard.hpp): a liar that sets the largest rate moves a node by at most the threshold in
// any window, and the host revokes the rate at the instant the budget runs out.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>
#include <vector>

#include "algorithms/core/clock_guard.hpp"

namespace clocksim {
namespace {

using namespace literals;
constexpr std::int64_t kSecond = 1'000'000'000;
const LocalTime kNow = LocalTime::from_ns(1'700'000'000'000'000'000);

ClockEffect step(std::int64_t ns) { return ClockEffect{ClockEffect::Kind::kAdjust, AdjustMode::kStep, Duration::from_ns(ns), 0}; }
ClockEffect rate(double ppm) { return ClockEffect{ClockEffect::Kind::kSetRate, AdjustMode::kSlew, {}, ppm}; }

ClockGuardConfig small_budget(std::int64_t threshold_ns, std::int64_t window_ns) {
  ClockGuardConfig c;
  c.panic_threshold = Duration::from_ns(threshold_ns);
  c.panic_window = Duration::from_ns(window_ns);
  c.startup_updates = 0;  // no start-up allowance: every correction is judged by the window
  c.master_max_adjust = Duration::zero();
  return c;
}

// What the clock really did, as the host carried the guard's verdicts out: steps at instants, and
// rates over spans (true movement, no margin), so that the movement within any window can be
// computed exactly.
class Movement {
 public:
  void step(std::int64_t at_ns, std::int64_t delta_ns) { steps_.push_back({at_ns, std::fabs(static_cast<double>(delta_ns))}); }
  void rate(std::int64_t at_ns, double ppm) {
    if (!rates_.empty() && rates_.back().from_ns == at_ns) rates_.pop_back();
    rates_.push_back({at_ns, std::fabs(ppm)});
  }
  // The movement within [from_ns, to_ns], steps at either end included.
  double within(std::int64_t from_ns, std::int64_t to_ns) const {
    double sum = 0;
    for (const auto& s : steps_) {
      if (s.at_ns >= from_ns && s.at_ns <= to_ns) sum += s.size_ns;
    }
    for (std::size_t i = 0; i < rates_.size(); ++i) {
      const std::int64_t a = std::max(from_ns, rates_[i].from_ns);
      const std::int64_t b = std::min(to_ns, i + 1 < rates_.size() ? rates_[i + 1].from_ns : to_ns);
      if (b > a) sum += rates_[i].ppm * 1e-6 * static_cast<double>(b - a);
    }
    return sum;
  }
  // The largest movement within any window of `window_ns` up to `end_ns`: a piecewise linear
  // quantity, so the largest is at a window that starts or ends at a change.
  double worst_window(std::int64_t window_ns, std::int64_t end_ns) const {
    std::vector<std::int64_t> changes;
    for (const auto& s : steps_) changes.push_back(s.at_ns);
    for (const auto& r : rates_) changes.push_back(r.from_ns);
    changes.push_back(end_ns);
    double worst = 0;
    for (const std::int64_t c : changes) {
      worst = std::max(worst, within(c, std::min(end_ns, c + window_ns)));
      worst = std::max(worst, within(c - window_ns, c));
    }
    return worst;
  }

 private:
  struct Step {
    std::int64_t at_ns;
    double size_ns;
  };
  struct Rate {
    std::int64_t from_ns;
    double ppm;
  };
  std::vector<Step> steps_;
  std::vector<Rate> rates_;
};

// A host that carries out what the guard lets through and calls rate_due() when it asks
// (`late_ns` after the deadline, as a real host's timer may be).
struct Host {
  ClockGuard guard;
  Movement moved;
  double rate_ppm = 0;  // what the clock runs with
  std::int64_t revoked = 0;

  explicit Host(ClockGuardConfig c) : guard(c) {}

  void apply(const ClockEffect& e, std::int64_t at_ns) {
    const ClockGuard::Verdict v = guard.check(e, kNow, false, at_ns);
    if (refused(v.outcome)) return;
    if (v.effect.kind == ClockEffect::Kind::kSetRate) {
      rate_ppm = v.effect.rate_ppm;
      moved.rate(at_ns, rate_ppm);
    } else {
      moved.step(at_ns, v.effect.delta.ns());
    }
  }
  // Runs the rate deadlines up to `until_ns`.
  void run_until(std::int64_t until_ns, std::int64_t late_ns = 0) {
    for (;;) {
      const std::optional<std::int64_t> due = guard.rate_deadline_ns();
      if (!due || *due + late_ns > until_ns) return;
      const ClockGuard::Verdict v = guard.rate_due(*due + late_ns);
      if (v.outcome == GuardOutcome::kRateBudgetSpent) {
        ++revoked;
        rate_ppm = 0;
        moved.rate(*due + late_ns, 0);
      }
    }
  }
};

// One liar sets the largest rate and nothing else: with a 1 s budget an hour, the rate is revoked
// when it has moved the clock by (almost exactly) 1 s, and a new rate is refused until the
// movement has left the window.
TEST(ClockGuardRate, ALiarsRateIsRevokedWhenItsMovementSpendsTheBudget) {
  Host h(small_budget(kSecond, 3600 * kSecond));
  h.apply(rate(500), 0);
  EXPECT_EQ(h.rate_ppm, 500);
  h.run_until(3600 * kSecond);
  EXPECT_EQ(h.revoked, 1);
  EXPECT_EQ(h.rate_ppm, 0);
  const double worst = h.moved.worst_window(3600 * kSecond, 3600 * kSecond);
  EXPECT_LE(worst, 1e9);
  EXPECT_GE(worst, 0.995e9);  // not revoked much before it had to be
  EXPECT_EQ(h.guard.check(rate(100), kNow, false, 3000 * kSecond).outcome, GuardOutcome::kRefusedRatePanicWindow);
  EXPECT_EQ(h.guard.check(step(1), kNow, false, 3000 * kSecond).outcome, GuardOutcome::kRefusedPanicWindow);
  // A zero rate is no movement: always let through.
  EXPECT_FALSE(refused(h.guard.check(rate(0), kNow, false, 3000 * kSecond).outcome));
  // An hour and two slices after the rate began, its first slices have left the window.
  EXPECT_FALSE(refused(h.guard.check(rate(100), kNow, false, (3600 + 120) * kSecond).outcome));
}

// Without the rate's share the budget was per kind: a liar at the kernel's 500 ppm moved a node
// 1.8 s an hour past a 1 s threshold. Now steps and rates share it.
TEST(ClockGuardRate, StepsAndRatesShareOneBudget) {
  Host h(small_budget(kSecond, 3600 * kSecond));
  h.apply(step(600'000'000), 0);
  h.apply(rate(-500), 0);
  h.run_until(3600 * kSecond);
  EXPECT_EQ(h.revoked, 1);
  EXPECT_LE(h.moved.worst_window(3600 * kSecond, 3600 * kSecond), 1e9);
  EXPECT_GE(h.moved.worst_window(3600 * kSecond, 3600 * kSecond), 0.99e9);
}

// A rate changed before the end of the span counted ahead gives back what it did not move: an
// honest node that retunes its frequency every few seconds is charged for what its clock moved.
TEST(ClockGuardRate, ARetunedRateIsChargedForItsMovementOnly) {
  Host h(small_budget(kSecond, 3600 * kSecond));
  for (std::int64_t t = 0; t < 600; t += 4) {
    h.apply(rate(t % 8 == 0 ? 100 : -100), t * kSecond);
    h.run_until((t + 4) * kSecond);
  }
  const std::uint64_t counted = h.guard.moved_in_window_ns(600 * kSecond);
  const double moved = h.moved.within(0, 600 * kSecond);  // 100 ppm for 600 s: 60 ms
  EXPECT_GE(static_cast<double>(counted), moved);
  // The margin, and the rate counted ahead to the end of the current slice (1/64 of the window);
  // without the refunds every retune would leave up to that much behind (150 retunes: ~0.8 s).
  EXPECT_LE(static_cast<double>(counted), moved * 1.002 + 100e-6 * (3600.0 / 64) * 1e9);
}

// What a retuned rate gives back leaves the window's net in the rate's own direction only: after
// a +50 ms step and a -100 ppm rate retuned to zero a second later, in one slice, the net is the
// step less what the rate counted (never more: an undo may take back only what was moved).
TEST(ClockGuardRate, ARefundLeavesTheNetInTheRatesDirection) {
  ClockGuard g(small_budget(kSecond, 3600 * kSecond));
  ASSERT_FALSE(refused(g.check(step(50'000'000), kNow, false, 0).outcome));
  ASSERT_FALSE(refused(g.check(rate(-100), kNow, false, 0).outcome));
  ASSERT_FALSE(refused(g.check(rate(0), kNow, false, kSecond).outcome));
  const PanicWindowState s = g.window_state(BootId{1});
  ASSERT_EQ(s.slices.size(), 1u);
  EXPECT_EQ(s.slices[0].moved_ns, 50'000'000u + 100'100);  // the step and 100 us (with the margin) of rate
  // Counted ahead to the slice's end (56.25 s at 100 ppm and the margin: 5,630,625 ns, rounded up),
  // then 5.5 ms given back: the give-back leaves the net (which points the other way) untouched.
  EXPECT_GE(s.slices[0].net_ns, 50'000'000 - 5'630'626);
  EXPECT_LE(s.slices[0].net_ns, 50'000'000 - 5'630'625);
}

// The rate a clock already runs with at start is counted from then on; with the kept window spent
// it is revoked at once.
TEST(ClockGuardRate, ARateFoundAtStartIsCountedOrRevoked) {
  ClockGuard g(small_budget(kSecond, 3600 * kSecond));
  const auto v = g.adopt_rate(250, 5 * kSecond);
  EXPECT_EQ(v.outcome, GuardOutcome::kApplied);
  EXPECT_TRUE(v.counted);
  ASSERT_TRUE(g.rate_deadline_ns().has_value());
  EXPECT_GT(*g.rate_deadline_ns(), 5 * kSecond);
  EXPECT_EQ(g.adopt_rate(std::nan(""), 5 * kSecond).outcome, GuardOutcome::kApplied);
  EXPECT_FALSE(g.rate_deadline_ns().has_value());

  const BootId boot{7};
  ClockGuard spent_before(small_budget(kSecond, 3600 * kSecond));
  ASSERT_FALSE(refused(spent_before.check(step(kSecond), kNow, false, 10 * kSecond).outcome));
  ClockGuard restarted(small_budget(kSecond, 3600 * kSecond));
  restarted.restore_window(spent_before.window_state(boot), boot, 20 * kSecond);
  const auto w = restarted.adopt_rate(-40, 20 * kSecond);
  EXPECT_EQ(w.outcome, GuardOutcome::kRateBudgetSpent);
  EXPECT_EQ(w.effect.rate_ppm, 0);
  EXPECT_FALSE(restarted.rate_deadline_ns().has_value());
}

// With no window (panic_window or panic_threshold 0) a rate is not counted and has no deadline.
TEST(ClockGuardRate, NoWindowNoDeadline) {
  ClockGuard off(small_budget(0, 3600 * kSecond));
  EXPECT_FALSE(off.check(rate(500), kNow, false, 0).counted);
  EXPECT_FALSE(off.rate_deadline_ns().has_value());
  EXPECT_EQ(off.rate_ppm(), 500);
  ClockGuard no_window(small_budget(kSecond, 0));
  EXPECT_FALSE(no_window.check(rate(500), kNow, false, 0).counted);
  EXPECT_FALSE(no_window.rate_deadline_ns().has_value());
}

// The adversary: random steps and rates of every size and sign at random instants, with thresholds
// and windows of every scale and hosts that run the deadlines on time or late. Whatever the
// guard let through, the clock's true movement within any window stays within the threshold (plus
// what the rate moved while the host was late), checked exactly over every window.
TEST(ClockGuardRate, NoSequenceMovesAClockPastTheThresholdInAnyWindow) {
  std::uint64_t x = 0x9E3779B97F4A7C15ULL;
  const auto next = [&] {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    return x;
  };
  for (int run = 0; run < 300; ++run) {
    const std::int64_t window_ns = std::int64_t{1} << (30 + next() % 14);  // ~1 s to ~2.5 h
    const std::int64_t threshold_ns = std::max<std::int64_t>(1, static_cast<std::int64_t>(next() % (window_ns / 500)));
    const std::int64_t late_ns = run % 3 == 0 ? static_cast<std::int64_t>(next() % 10'000'000) : 0;
    ClockGuardConfig c = small_budget(threshold_ns, window_ns);
    c.max_rate_ppm = 1 + static_cast<double>(next() % 1000);
    Host h(c);
    std::int64_t t = static_cast<std::int64_t>(next() % 1'000'000);
    for (int i = 0; i < 200; ++i) {
      t += static_cast<std::int64_t>(next() % static_cast<std::uint64_t>(window_ns / 8));
      h.run_until(t, late_ns);
      const std::uint64_t pick = next() % 4;
      if (pick == 0) {
        h.apply(step(static_cast<std::int64_t>(next() % static_cast<std::uint64_t>(threshold_ns)) - threshold_ns / 2), t);
      } else {
        h.apply(rate(pick == 3 ? 0.0 : static_cast<double>(next() % 2001) - 1000), t);
      }
    }
    const std::int64_t end_ns = t + window_ns;
    h.run_until(end_ns, late_ns);
    const double worst = h.moved.worst_window(window_ns, end_ns);
    // Late deadlines: each revocation lets the rate run late_ns past the budget.
    const double slack = static_cast<double>(h.revoked) * c.max_rate_ppm * 1e-6 * static_cast<double>(late_ns) + 1;
    EXPECT_LE(worst, static_cast<double>(threshold_ns) + slack) << run;
  }
}

}  // namespace
}  // namespace clocksim
