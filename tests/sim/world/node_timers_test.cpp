#include "sim/world/node_timers.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <utility>
#include <vector>

#include "algorithms/core/rng.hpp"

namespace clocksim::sim {
namespace {

using Reference = std::vector<std::pair<TimerId, EventHandle>>;

std::vector<std::pair<TimerId, EventHandle>> contents(const NodeTimers& t) {
  std::vector<std::pair<TimerId, EventHandle>> out;
  t.for_each([&](const NodeTimers::Armed& a) { out.emplace_back(a.id, a.handle); });
  return out;
}

// The vector the world used before, with its find-first and move-the-last-in removal.
EventHandle take_from(Reference& r, TimerId id) {
  auto it = std::find_if(r.begin(), r.end(), [&](const auto& p) { return p.first == id; });
  if (it == r.end()) return EventHandle{};
  const EventHandle h = it->second;
  *it = r.back();
  r.pop_back();
  return h;
}

// Random arms, takes (present and absent ids, repeated ids) and clears, with up to six timers
// armed at once, so that entries move between the node record and the vector beside it: the
// sequence, its order and every answer equal the plain vector's.
TEST(NodeTimers, BehavesLikeTheVectorItReplaces) {
  for (std::uint64_t seed = 1; seed <= 8; ++seed) {
    NodeTimers timers;
    Reference reference;
    SmallRng rng(seed);
    std::uint32_t slot = 0;
    for (int step = 0; step < 20'000; ++step) {
      const std::uint64_t r = rng() % 16;
      const auto id = static_cast<TimerId>(rng() % 5);
      if (r == 0) {
        timers.clear();
        reference.clear();
      } else if (r < 8 && reference.size() < 6) {
        const EventHandle h{slot++, static_cast<std::uint32_t>(1 + rng() % 7)};
        timers.add(id, h);
        reference.emplace_back(id, h);
      } else {
        ASSERT_EQ(timers.take(id), take_from(reference, id)) << "seed " << seed << ", step " << step;
      }
      ASSERT_EQ(timers.size(), reference.size());
      ASSERT_EQ(timers.empty(), reference.empty());
      ASSERT_EQ(contents(timers), reference) << "seed " << seed << ", step " << step;
    }
  }
}

TEST(NodeTimers, TakingAnAbsentIdChangesNothing) {
  NodeTimers timers;
  EXPECT_EQ(timers.take(3), EventHandle{});
  timers.add(1, EventHandle{10, 1});
  timers.add(2, EventHandle{11, 1});
  timers.add(3, EventHandle{12, 1});
  EXPECT_EQ(timers.take(9), EventHandle{});
  EXPECT_EQ(contents(timers), (Reference{{1, {10, 1}}, {2, {11, 1}}, {3, {12, 1}}}));
  // The first of the node record's two is taken: the third, from beside it, moves in.
  EXPECT_EQ(timers.take(1), (EventHandle{10, 1}));
  EXPECT_EQ(contents(timers), (Reference{{3, {12, 1}}, {2, {11, 1}}}));
}

}  // namespace
}  // namespace clocksim::sim
