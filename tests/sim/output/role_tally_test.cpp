#include "sim/output/role_tally.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <vector>

namespace clocksim::sim {
namespace {

// What a tick reported before the tally: every node visited, counted from scratch.
struct Counted {
  std::uint32_t masters = 0;
  NodeId most_believed = kNoNode;
};

Counted count(const std::vector<NodeRole>& nodes) {
  Counted c;
  std::vector<std::uint32_t> believers(nodes.size(), 0);
  for (const NodeRole& n : nodes) {
    if (!n.up) continue;
    if (n.role == Role::kMaster) ++c.masters;
    if (n.believed_master < nodes.size()) ++believers[n.believed_master];
  }
  std::uint32_t best = 0;
  for (NodeId id = 0; id < nodes.size(); ++id) {
    if (believers[id] > best) {
      best = believers[id];
      c.most_believed = id;
    }
  }
  return c;
}

TEST(RoleTally, CountsUpMastersAndTheMostBelievedLowestIdFirst) {
  RoleTally t(4);
  EXPECT_EQ(t.masters(), 0u);
  EXPECT_EQ(t.most_believed(), kNoNode);
  t.update({0, Role::kMaster, 0, true, false});
  t.update({1, Role::kSlave, 0, true, false});
  t.update({2, Role::kSlave, 3, true, false});
  t.update({3, Role::kMaster, 3, true, true});  // a liar is still a master and a believer
  EXPECT_EQ(t.masters(), 2u);
  EXPECT_EQ(t.most_believed(), 0u);  // 0 and 3 have two each: the lower id
  EXPECT_TRUE(t.is_master(3));
  t.update({1, Role::kSlave, 3, true, false});  // a belief leaves the leader
  EXPECT_EQ(t.most_believed(), 3u);
  t.update({3, Role::kMaster, 3, false, true});  // down: neither master nor believer
  EXPECT_EQ(t.masters(), 1u);
  EXPECT_FALSE(t.is_master(3));
  EXPECT_EQ(t.most_believed(), 3u);  // believed by 1 and 2, still up
  t.update({1, Role::kNone, kNoNode, false, false});
  t.update({2, Role::kNone, 7, true, false});  // no such node: no belief
  EXPECT_EQ(t.most_believed(), 0u);
  t.update({0, Role::kMaster, kNoNode, true, false});
  EXPECT_EQ(t.most_believed(), kNoNode);
  EXPECT_EQ(t.masters(), 1u);
}

// Random changes, a few or many between two questions, against counting every node afresh.
TEST(RoleTally, AgreesWithCountingEveryNodeUnderRandomChanges) {
  for (std::uint64_t seed = 1; seed <= 30; ++seed) {
    SCOPED_TRACE(seed);
    std::mt19937_64 rng(seed);
    const NodeId n = 1 + static_cast<NodeId>(rng() % 40);
    RoleTally tally(n);
    std::vector<NodeRole> nodes(n);
    for (NodeId i = 0; i < n; ++i) nodes[i].id = i;
    const NodeId masters_pool = 1 + static_cast<NodeId>(rng() % 4);  // beliefs crowd on a few nodes
    for (int step = 0; step < 400; ++step) {
      const int changes = static_cast<int>(rng() % (rng() % 8 == 0 ? 3 * n : 3));
      for (int c = 0; c < changes; ++c) {
        NodeRole r;
        r.id = static_cast<NodeId>(rng() % n);
        r.up = rng() % 6 != 0;
        r.faulty = rng() % 10 == 0;
        r.role = rng() % 4 == 0 ? Role::kMaster : static_cast<Role>(rng() % 6);
        const std::uint64_t b = rng() % 10;
        r.believed_master = b < 7 ? static_cast<NodeId>(rng() % masters_pool) % n
                                  : (b < 9 ? static_cast<NodeId>(rng() % n) : (b == 9 ? kNoNode : n + 3));
        nodes[r.id] = r;
        tally.update(r);
      }
      const Counted want = count(nodes);
      ASSERT_EQ(tally.masters(), want.masters) << "step " << step;
      ASSERT_EQ(tally.most_believed(), want.most_believed) << "step " << step;
      for (NodeId i = 0; i < n; ++i) ASSERT_EQ(tally.is_master(i), nodes[i].up && nodes[i].role == Role::kMaster);
    }
  }
}

}  // namespace
}  // namespace clocksim::sim
