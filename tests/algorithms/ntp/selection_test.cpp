#include "algorithms/ntp/selection.hpp"

#include <gtest/gtest.h>

namespace clocksim::ntp {
namespace {

Candidate c(std::size_t i, double offset, double distance, double jitter = 0.001, int stratum = 2) {
  return Candidate{i, offset, distance, jitter, stratum};
}

// Three servers agree around +1 ms; a fourth says +500 ms: the falseticker is left out.
TEST(NtpSelection, IntersectionDropsAFalseticker) {
  const auto kept = intersect({c(0, 0.001, 0.010), c(1, 0.002, 0.010), c(2, 0.0005, 0.008), c(3, 0.5, 0.010)});
  ASSERT_EQ(kept.size(), 3u);
  for (const auto& k : kept) EXPECT_NE(k.index, 3u);
}

// Two against two with disjoint intervals: no majority, nobody survives.
TEST(NtpSelection, NoMajorityNoSurvivors) {
  EXPECT_TRUE(intersect({c(0, 0.0, 0.001), c(1, 0.0001, 0.001), c(2, 1.0, 0.001), c(3, 1.0001, 0.001)}).empty());
}

TEST(NtpSelection, SingleCandidateSurvives) {
  EXPECT_EQ(intersect({c(0, 0.3, 0.01)}).size(), 1u);
  EXPECT_TRUE(intersect({}).empty());
}

// Wide intervals all overlap, so intersection keeps the outlier; clustering then removes it
// (its selection jitter exceeds every peer jitter) but never goes below three survivors.
TEST(NtpSelection, ClusteringPrunesTheWorstOutlierDownToThree) {
  std::vector<Candidate> v{c(0, 0.001, 0.5), c(1, 0.0012, 0.5), c(2, 0.0009, 0.5), c(3, 0.0011, 0.5), c(4, 0.08, 0.5)};
  EXPECT_EQ(intersect(v).size(), 5u);
  double sj = 0;
  const auto survivors = cluster(v, sj);
  EXPECT_EQ(survivors.size(), 4u);
  for (const auto& s : survivors) EXPECT_NE(s.index, 4u);
  std::vector<Candidate> three{c(0, 0.0, 0.5), c(1, 0.001, 0.5), c(2, 0.9, 0.5)};
  EXPECT_EQ(cluster(three, sj).size(), 3u);
}

// The system peer is the survivor of least stratum, then least root distance.
TEST(NtpSelection, ClusterOrdersByMerit) {
  double sj = 0;
  const auto v = cluster({c(0, 0.0, 0.02, 0.01, 3), c(1, 0.0, 0.05, 0.01, 2), c(2, 0.0, 0.01, 0.01, 3)}, sj);
  ASSERT_EQ(v.size(), 3u);
  EXPECT_EQ(v[0].index, 1u);
  EXPECT_EQ(v[1].index, 2u);
}

// Weights are 1/root distance: 10 ms at distance 0.01 and 40 ms at 0.04 give 16 ms.
TEST(NtpSelection, CombineWeightsByInverseRootDistance) {
  const Combined k = combine({c(0, 0.010, 0.01), c(1, 0.040, 0.04)});
  EXPECT_NEAR(k.offset_s, (0.010 / 0.01 + 0.040 / 0.04) / (1 / 0.01 + 1 / 0.04), 1e-12);
  EXPECT_NEAR(k.offset_s, 0.016, 1e-12);
  EXPECT_GT(k.jitter_s, 0);
}

}  // namespace
}  // namespace clocksim::ntp
