#include "algorithms/berkeley/network_delta.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "algorithms/berkeley/quantize.hpp"

namespace clocksim::berkeley {
namespace {

// shared/docs/bounds.md §5: deltas in ms, master 0, A=+12, B=-7, C=+3, D=+250, E=+15.
TEST(NetworkDelta, TimedCheckerVector) {
  const std::vector<std::int64_t> deltas = {0, 12, -7, 3, 250, 15};
  const NetworkDelta nd = network_delta(deltas, AverageRule::kFaultTolerant, 20);
  // Windows of size 4: [-7..12] and [0..15]; the tie goes to the higher one: mean 30/4 -> 7.
  EXPECT_EQ(nd.avg, 7);
  EXPECT_EQ(nd.used, (std::vector<bool>{true, true, false, true, false, true}));
  // Corrections avg - delta, then 4.3 rounding to 5 ms.
  const std::vector<std::int64_t> want_raw = {7, -5, 14, 4, -243, -8};
  const std::vector<std::int64_t> want_rounded = {5, -5, 15, 5, -245, -10};
  for (std::size_t i = 0; i < deltas.size(); ++i) {
    EXPECT_EQ(nd.avg - deltas[i], want_raw[i]) << i;
    EXPECT_EQ(round_to_quantum(nd.avg - deltas[i], 5), want_rounded[i]) << i;
  }
}

TEST(NetworkDelta, PlainIncludesEverything) {
  const std::vector<std::int64_t> deltas = {0, 12, -7, 3, 250, 15};
  const NetworkDelta nd = network_delta(deltas, AverageRule::kPlain, 20);
  EXPECT_EQ(nd.avg, 273 / 6);  // 45: the faulty clock drags the average
  for (bool u : nd.used) EXPECT_TRUE(u);
}

TEST(NetworkDelta, MedianOddAndEven) {
  const std::vector<std::int64_t> odd = {-3, 0, 2, 4, 6};
  EXPECT_EQ(network_delta(odd, AverageRule::kMedian, 20).avg, 2);  // not timed 4.4's 1
  const std::vector<std::int64_t> even = {0, 12, -7, 3, 250, 15};
  EXPECT_EQ(network_delta(even, AverageRule::kMedian, 20).avg, 7);  // (3 + 12) / 2 truncated
}

TEST(NetworkDelta, TruncatesTowardZero) {
  const std::vector<std::int64_t> neg = {0, -7, -8};
  EXPECT_EQ(network_delta(neg, AverageRule::kPlain, 20).avg, -5);  // -15/3
  const std::vector<std::int64_t> neg2 = {0, -3};
  EXPECT_EQ(network_delta(neg2, AverageRule::kPlain, 20).avg, -1);  // -1.5 -> -1, not -2
}

TEST(NetworkDelta, TwoMachinesAverageAndSingleMachineNoCorrection) {
  const std::vector<std::int64_t> two = {0, 100};
  // 4.3 special case: master + one slave are simply averaged, however far apart.
  EXPECT_EQ(network_delta(two, AverageRule::kFaultTolerant, 20).avg, 50);
  const std::vector<std::int64_t> three = {0, 100, 300};
  // Three far apart: windows of size 1, the tie goes to the highest.
  EXPECT_EQ(network_delta(three, AverageRule::kFaultTolerant, 20).avg, 300);
  const std::vector<std::int64_t> close = {0, 10};
  EXPECT_EQ(network_delta(close, AverageRule::kFaultTolerant, 20).avg, 5);
  const std::vector<std::int64_t> one = {0};
  EXPECT_EQ(network_delta(one, AverageRule::kPlain, 20).avg, 0);
}

TEST(NetworkDelta, OutlierExcludedByFaultTolerantButPullsPlain) {
  // One clock ten minutes off among clocks within a few ms (values in ms).
  const std::vector<std::int64_t> deltas = {0, 1, 2, 3, 600000};
  EXPECT_EQ(network_delta(deltas, AverageRule::kFaultTolerant, 20).avg, 1);  // 6/4
  EXPECT_EQ(network_delta(deltas, AverageRule::kPlain, 20).avg, 120001);     // 600006/5
  EXPECT_EQ(network_delta(deltas, AverageRule::kMedian, 20).avg, 2);
}

// The rounding check table of shared/docs/bounds.md §5 (4.3 column).
TEST(Quantize, RoundingTable43) {
  const std::vector<std::pair<std::int64_t, std::int64_t>> table = {
      {-8, -10}, {-7, -5}, {-2, 0}, {2, 0}, {3, 5}, {7, 5}, {8, 10}, {12, 10}, {14, 15}};
  for (auto [x, want] : table) EXPECT_EQ(round_to_quantum(x, 5), want) << x;
  EXPECT_EQ(round_to_quantum(7, 0), 7);
  EXPECT_EQ(truncate_to(7'600'000, 1'000'000), 7'000'000);
  EXPECT_EQ(truncate_to(-7'600'000, 1'000'000), -7'000'000);
}

}  // namespace
}  // namespace clocksim::berkeley
