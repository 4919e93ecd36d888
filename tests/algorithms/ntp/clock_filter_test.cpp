#include "algorithms/ntp/clock_filter.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "algorithms/ntp/constants.hpp"

namespace clocksim::ntp {
namespace {

constexpr std::int64_t kS = 1'000'000'000;

Sample sample(double offset_s, double delay_s) { return Sample{offset_s, delay_s, 1e-6}; }

TEST(NtpClockFilter, ChoosesTheSampleOfLeastDelay) {
  ClockFilter f;
  f.clear(0);
  f.add(sample(0.010, 0.030), 1 * kS, false);
  f.add(sample(0.002, 0.004), 2 * kS, false);  // least delay: most trustworthy
  const FilterOutput out = f.add(sample(0.020, 0.050), 3 * kS, false);
  EXPECT_DOUBLE_EQ(out.offset_s, 0.002);
  EXPECT_DOUBLE_EQ(out.delay_s, 0.004);
  EXPECT_EQ(out.t_ns, 2 * kS);
  // Jitter: RMS of the other offsets' differences from the chosen one, over m - 1.
  const double expected = std::sqrt(((0.008 * 0.008) + (0.018 * 0.018)) / 2);
  EXPECT_NEAR(out.jitter_s, expected, 1e-12);
  EXPECT_EQ(f.valid_stages(), 3);
}

TEST(NtpClockFilter, UsesEachSampleOnceAndNeverAnOlderOne) {
  ClockFilter f;
  f.clear(0);
  EXPECT_TRUE(f.add(sample(0.001, 0.002), 1 * kS, false).fresh);
  // A worse sample later: the best is still the first one, already used.
  EXPECT_FALSE(f.add(sample(0.005, 0.009), 2 * kS, false).fresh);
  // Before the first synchronization anything goes.
  EXPECT_TRUE(f.add(sample(0.005, 0.009), 3 * kS, true).fresh);
  EXPECT_TRUE(f.add(sample(0.003, 0.001), 4 * kS, false).fresh);
}

TEST(NtpClockFilter, DispersionAgesAtPhiAndEmptyStagesWeighMaxdisp) {
  ClockFilter f;
  f.clear(0);
  const FilterOutput one = f.add(Sample{0, 0.001, 0}, 0, false);
  // One valid stage of 0 and seven of MAXDISP weighted 1/4 .. 1/256: sum 16 * (1/2 - 1/256).
  EXPECT_NEAR(one.dispersion_s, kMaxDispersion * (0.5 - 1.0 / 256), 1e-9);
  f.add(Sample{0, 0.002, 0}, 1000 * kS, false);
  // The first sample (still the least delay) has aged by PHI * 1000 s.
  EXPECT_NEAR(f.last().offset_s, 0, 1e-12);
  EXPECT_GT(f.last().dispersion_s, 0);
}

TEST(NtpClockFilter, ClearEmptiesEveryStage) {
  ClockFilter f;
  f.clear(0);
  f.add(sample(0.1, 0.01), kS, false);
  f.clear(2 * kS);
  EXPECT_EQ(f.valid_stages(), 0);
  EXPECT_DOUBLE_EQ(f.last().dispersion_s, kMaxDispersion);
}

}  // namespace
}  // namespace clocksim::ntp
