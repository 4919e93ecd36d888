#include "algorithms/ntp/discipline.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace clocksim::ntp {
namespace discipline_test {

constexpr std::int64_t kS = 1'000'000'000;
using K = DisciplineResult::Kind;

TEST(NtpDiscipline, FirstLargeOffsetIsSteppedThenFrequencyMeasured) {
  Discipline d(4, 10, 0.125, 60);
  const auto first = d.update(2.5, 0);
  EXPECT_EQ(first.kind, K::kStep);
  EXPECT_DOUBLE_EQ(first.step_s, 2.5);
  EXPECT_EQ(d.state(), DisciplineState::kFreq);
  // Within the stepout the frequency is not measured yet.
  EXPECT_EQ(d.update(0.0001, 30 * kS).kind, K::kIgnore);
  // 100 s after the step the clock has fallen 5 ms behind: 50 ppm slow.
  const auto r = d.update(0.005, 100 * kS);
  EXPECT_EQ(r.kind, K::kSlew);
  EXPECT_TRUE(r.frequency_changed);
  EXPECT_NEAR(d.frequency_s_per_s(), 50e-6, 1e-6);
  EXPECT_EQ(d.state(), DisciplineState::kSync);
}

TEST(NtpDiscipline, SpikeIgnoredUntilItOutlastsTheStepout) {
  Discipline d(4, 10, 0.125, 60);
  d.update(0.001, 0);            // NSET -> FREQ
  d.update(0.001, 61 * kS);      // FREQ -> SYNC
  ASSERT_EQ(d.state(), DisciplineState::kSync);
  EXPECT_EQ(d.update(0.5, 70 * kS).kind, K::kIgnore);  // a spike
  EXPECT_EQ(d.state(), DisciplineState::kSpike);
  EXPECT_EQ(d.update(0.5, 90 * kS).kind, K::kIgnore);  // still within the stepout
  const auto r = d.update(0.5, 140 * kS);              // it persisted: step
  EXPECT_EQ(r.kind, K::kStep);
  EXPECT_DOUBLE_EQ(r.step_s, 0.5);
  // A spike that goes away is never applied.
  Discipline e(4, 10, 0.125, 60);
  e.update(0.001, 0);
  e.update(0.001, 61 * kS);
  e.update(0.5, 70 * kS);
  EXPECT_EQ(e.update(0.0012, 80 * kS).kind, K::kSlew);
}

TEST(NtpDiscipline, PanicBeyondAThousandSecondsAfterTheFirstUpdate) {
  Discipline d(4, 10, 0.125, 60);
  EXPECT_EQ(d.update(5000, 0).kind, K::kStep);  // the first may be anything (ntpd -g)
  EXPECT_EQ(d.update(2000, 100 * kS).kind, K::kPanic);
}

TEST(NtpDiscipline, ResidualPhaseDecaysWithTimeConstantPllTimesPoll) {
  Discipline d(4, 10, 0.125, 60);
  d.update(0.010, 0);  // 10 ms: slewed, not stepped
  EXPECT_EQ(d.state(), DisciplineState::kFreq);
  const double first = d.second_tick();
  EXPECT_NEAR(first, 0.010 / (65 * 16), 1e-12);
  double total = first;
  for (int i = 0; i < 1040 * 5; ++i) total += d.second_tick();
  EXPECT_NEAR(total, 0.010, 0.010 * 0.01);  // ~e^-5 left after five time constants
}

TEST(NtpDiscipline, PollGrowsWhileOffsetsStayWithinTheJitter) {
  Discipline d(4, 8, 0.125, 0);
  d.update(0, 0);
  std::int64_t t = 0;
  for (int i = 0; i < 200; ++i) {
    t += static_cast<std::int64_t>(std::ldexp(1.0, d.poll())) * kS;
    d.update(1e-7, t);
  }
  EXPECT_EQ(d.poll(), 8);
  // A steady offset far above the (now small) jitter brings it back down.
  for (int i = 0; i < 20; ++i) {
    t += static_cast<std::int64_t>(std::ldexp(1.0, d.poll())) * kS;
    d.update(0.05, t);
  }
  EXPECT_LT(d.poll(), 8);
}

}  // namespace discipline_test
}  // namespace clocksim::ntp
