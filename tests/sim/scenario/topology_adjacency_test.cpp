#include "sim/scenario/topology_adjacency.hpp"

#include <gtest/gtest.h>

namespace clocksim::scenario {
namespace {

TopologySpec kind(TopologySpec::Kind k) {
  TopologySpec t;
  t.kind = k;
  return t;
}

TEST(TopologyAdjacency, DeterministicTopologies) {
  using K = TopologySpec::Kind;
  EXPECT_TRUE(*linked(kind(K::kFullMesh), 5, 0, 4));
  EXPECT_TRUE(*linked(kind(K::kRing), 5, 4, 0));
  EXPECT_TRUE(*linked(kind(K::kRing), 5, 2, 3));
  EXPECT_FALSE(*linked(kind(K::kRing), 5, 1, 3));
  EXPECT_FALSE(*linked(kind(K::kLine), 5, 4, 0));
  EXPECT_TRUE(*linked(kind(K::kLine), 5, 3, 4));
  auto star = kind(K::kStar);
  star.hub = 2;
  EXPECT_TRUE(*linked(star, 5, 4, 2));
  EXPECT_FALSE(*linked(star, 5, 0, 1));
  auto grid = kind(K::kGrid);
  grid.rows = 2;
  grid.cols = 3;  // 0 1 2 / 3 4 5
  EXPECT_TRUE(*linked(grid, 6, 1, 2));
  EXPECT_FALSE(*linked(grid, 6, 2, 3));  // row wrap is not a link
  EXPECT_TRUE(*linked(grid, 6, 1, 4));
  EXPECT_FALSE(*linked(grid, 6, 0, 4));
  EXPECT_FALSE(*linked(kind(K::kFullMesh), 5, 1, 1));
  EXPECT_FALSE(linked(kind(K::kErdosRenyi), 5, 0, 1).has_value());
  EXPECT_FALSE(linked(kind(K::kFile), 5, 0, 1).has_value());
}

}  // namespace
}  // namespace clocksim::scenario
