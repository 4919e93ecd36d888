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

TEST(Router, FullMeshDetoursWithoutABfs) {
  const Topology mesh = Topology::full_mesh(100'000);
  Router r(mesh);
  r.set_link_up(5, 9, false);
  EXPECT_EQ(route(r, 9, 5), (Path{9, 0, 5}));
  r.set_link_up(0, 5, false);
  EXPECT_EQ(route(r, 9, 5), (Path{9, 1, 5}));
  EXPECT_EQ(r.bfs_computed(), 0u);
  r.set_partition({{1, 5, 9}});  // 9 and 5 keep only node 1 in common
  r.set_link_up(1, 5, false);   // and lose it: nobody left in the group reaches both
  EXPECT_TRUE(route(r, 9, 5).empty());

  // When every 2-hop detour is gone, longer routes come from the BFS.
  const Topology small = Topology::full_mesh(4);
  Router s(small);
  s.set_link_up(0, 3, false);
  s.set_link_up(1, 3, false);
  s.set_link_up(0, 2, false);
  EXPECT_EQ(route(s, 0, 3), (Path{0, 1, 2, 3}));
}

}  // namespace
}  // namespace clocksim::sim
