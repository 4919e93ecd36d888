#include "algorithms/election/ring/ring_copies.hpp"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <utility>

#include "algorithms/core/rng.hpp"

namespace clocksim::election {
namespace {

TEST(RingCopies, ARepeatAndAnOlderElectionOfTheSameIncarnationAreNotFirstSights) {
  RingCopies c;
  EXPECT_TRUE(c.first_sight(2, 77, 3));
  EXPECT_FALSE(c.first_sight(2, 77, 3));
  EXPECT_FALSE(c.first_sight(2, 77, 2)) << "n2#2 arriving after n2#3 is superseded";
  EXPECT_TRUE(c.first_sight(2, 77, 4));
  EXPECT_FALSE(c.first_sight(2, 77, 3));
  EXPECT_TRUE(c.first_sight(5, 77, 1)) << "initiators are apart";
}

TEST(RingCopies, IncarnationsAreToldApartByStampAndTheirLateCopiesStayStale) {
  RingCopies c;
  EXPECT_TRUE(c.first_sight(2, 10, 5));
  EXPECT_TRUE(c.first_sight(2, 20, 1)) << "a restarted initiator numbering from 1 again";
  EXPECT_FALSE(c.first_sight(2, 10, 5)) << "a late copy of the run before the restart";
  EXPECT_FALSE(c.first_sight(2, 20, 1));
  EXPECT_TRUE(c.first_sight(2, 20, 2));
}

TEST(RingCopies, TheIncarnationHeardLeastRecentlyIsTheOneForgotten) {
  RingCopies c;
  for (std::int64_t stamp = 1; stamp <= 4; ++stamp) ASSERT_TRUE(c.first_sight(0, stamp, 1));
  ASSERT_TRUE(c.first_sight(0, 1, 2));  // stamp 1 heard again: 2 is now the least recent
  ASSERT_TRUE(c.first_sight(0, 5, 1));  // evicts stamp 2
  EXPECT_FALSE(c.first_sight(0, 1, 2));
  EXPECT_FALSE(c.first_sight(0, 3, 1));
  EXPECT_FALSE(c.first_sight(0, 4, 1));
  EXPECT_TRUE(c.first_sight(0, 2, 1)) << "forgotten: taken for a new incarnation";
}

// Against a model that remembers everything: over random copies of a few initiators with at most
// kIncarnations stamps each, a copy is a first sight exactly when its number is above every number
// seen before with its stamp.
TEST(RingCopies, MatchesAnUnboundedModelWhileIncarnationsFit) {
  for (std::uint64_t seed = 0; seed < 200; ++seed) {
    SmallRng rng(derive_seed(seed, "ring_copies"));
    RingCopies c;
    std::map<std::pair<NodeId, std::int64_t>, std::uint32_t> highest;
    for (int i = 0; i < 500; ++i) {
      const auto initiator = static_cast<NodeId>(rng() % 3);
      const auto stamp = static_cast<std::int64_t>(rng() % RingCopies::kIncarnations) * 1'000'003;
      const auto number = static_cast<std::uint32_t>(rng() % 12);
      const auto key = std::make_pair(initiator, stamp);
      const auto it = highest.find(key);
      const bool expected = it == highest.end() || number > it->second;
      if (expected) highest[key] = number;
      ASSERT_EQ(c.first_sight(initiator, stamp, number), expected) << "seed " << seed << " step " << i;
    }
  }
}

}  // namespace
}  // namespace clocksim::election
