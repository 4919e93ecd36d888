#include "sim/network/router.hpp"

#include <gtest/gtest.h>

namespace clocksim::sim {
namespace {

using Path = std::vector<NodeId>;

Path route(Router& r, NodeId a, NodeId b) {
  Path p;
  r.route(a, b, p);
  return p;
}

TEST(Router, RoutesDoNotDependOnCacheStateOrEviction) {
  // A 4x4 grid has many equal-length paths; the rule picks the lowest-id next hop from the source.
  const Topology grid = Topology::from_edges(16, grid_edges(4, 4));
  Router roomy(grid);
  Router tiny(grid, 0);  // keeps two BFS results at most: constant eviction
  for (NodeId a = 0; a < 16; ++a) {
    for (NodeId b = 0; b < 16; ++b) {
      if (a == b) continue;
      Router fresh(grid);
      const Path expected = route(fresh, a, b);
      ASSERT_EQ(expected.size(), std::size_t((a % 4 > b % 4 ? a % 4 - b % 4 : b % 4 - a % 4) +
                                             (a / 4 > b / 4 ? a / 4 - b / 4 : b / 4 - a / 4) + 1));
      ASSERT_EQ(route(roomy, a, b), expected) << a << " -> " << b;
      ASSERT_EQ(route(tiny, a, b), expected) << a << " -> " << b;
      ASSERT_EQ(route(tiny, b, a).size(), expected.size());
    }
  }
  EXPECT_EQ(route(roomy, 0, 15), (Path{0, 1, 2, 3, 7, 11, 15}));
  EXPECT_EQ(route(roomy, 15, 0), (Path{15, 11, 7, 3, 2, 1, 0}));
  EXPECT_GT(tiny.bfs_computed(), roomy.bfs_computed());
}

TEST(Router, LinkChangesInvalidateCachedRoutes) {
  const Topology grid = Topology::from_edges(16, grid_edges(4, 4));
  Router r(grid);
  EXPECT_EQ(route(r, 0, 3), (Path{0, 1, 2, 3}));
  r.set_link_up(1, 2, false);
  EXPECT_EQ(route(r, 0, 3), (Path{0, 1, 5, 6, 2, 3}));
  r.set_link_up(1, 2, true);
  EXPECT_EQ(route(r, 0, 3), (Path{0, 1, 2, 3}));
  r.set_partition({{0, 4, 8, 12, 13, 14, 15, 11, 7, 3}});  // the rim; the rest form a group too
  EXPECT_EQ(route(r, 0, 3), (Path{0, 4, 8, 12, 13, 14, 15, 11, 7, 3}));
  EXPECT_TRUE(route(r, 0, 5).empty());
  r.heal();
  EXPECT_EQ(route(r, 0, 5), (Path{0, 1, 5}));
}

}  // namespace
}  // namespace clocksim::sim
