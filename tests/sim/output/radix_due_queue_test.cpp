#include "sim/output/radix_due_queue.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <random>
#include <utility>
#include <vector>

namespace clocksim::sim {
namespace {

using Pair = std::pair<std::int64_t, std::uint32_t>;

std::vector<Pair> take_sorted(RadixDueQueue& q, std::int64_t now_ns) {
  std::vector<Pair> out;
  q.take_due(now_ns, [&](const RadixDueQueue::Entry& e) { out.emplace_back(e.t_ns, e.id); });
  std::sort(out.begin(), out.end());
  return out;
}

TEST(RadixDueQueue, TakesExactlyTheEntriesDueAndKeepsTheRest) {
  RadixDueQueue q;
  q.push(30, 1);
  q.push(10, 2);
  q.push(20, 3);
  q.push(20, 4);
  EXPECT_EQ(take_sorted(q, 9), std::vector<Pair>{});
  EXPECT_EQ(take_sorted(q, 20), (std::vector<Pair>{{10, 2}, {20, 3}, {20, 4}}));
  EXPECT_EQ(q.size(), 1u);
  EXPECT_EQ(take_sorted(q, 29), std::vector<Pair>{});
  EXPECT_EQ(take_sorted(q, 30), (std::vector<Pair>{{30, 1}}));
  EXPECT_TRUE(q.empty());
}

TEST(RadixDueQueue, InstantsAcrossTheWholeInt64RangeComeOutInOrder) {
  constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();
  constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
  RadixDueQueue q;
  const std::vector<std::int64_t> instants = {kMax, -1, 0, kMin, 1, kMax - 1, kMin + 1, -(std::int64_t{1} << 62)};
  for (std::uint32_t i = 0; i < instants.size(); ++i) q.push(instants[i], i);
  std::vector<std::int64_t> sorted = instants;
  std::sort(sorted.begin(), sorted.end());
  for (const std::int64_t t : sorted) {
    const std::vector<Pair> due = take_sorted(q, t);
    ASSERT_EQ(due.size(), 1u) << t;
    EXPECT_EQ(due[0].first, t);
  }
  EXPECT_TRUE(q.empty());
}

TEST(RadixDueQueue, AnInstantBeforeTheFloorIsDueAtTheNextTake) {
  RadixDueQueue q;
  q.push(100, 1);
  q.push(200, 2);
  EXPECT_EQ(take_sorted(q, 150), (std::vector<Pair>{{100, 1}}));
  EXPECT_EQ(q.floor_ns(), 100);
  q.push(50, 3);  // before the floor: taken as due at it
  EXPECT_EQ(take_sorted(q, 150), (std::vector<Pair>{{100, 3}}));
  EXPECT_EQ(take_sorted(q, 200), (std::vector<Pair>{{200, 2}}));
}

TEST(RadixDueQueue, CompactKeepsWhatItIsToldToKeep) {
  RadixDueQueue q;
  for (std::uint32_t i = 0; i < 100; ++i) q.push(1000 + 7 * i, i);
  EXPECT_EQ(take_sorted(q, 1000 + 7 * 9).size(), 10u);
  q.compact([](const RadixDueQueue::Entry& e) { return e.id % 3 == 0; });
  EXPECT_EQ(q.size(), 30u);  // ids 12, 15, ..., 99
  const std::vector<Pair> rest = take_sorted(q, std::numeric_limits<std::int64_t>::max());
  ASSERT_EQ(rest.size(), 30u);
  for (const auto& [t, id] : rest) {
    EXPECT_EQ(id % 3, 0u);
    EXPECT_EQ(t, 1000 + 7 * static_cast<std::int64_t>(id));
  }
}

// Entries a byte boundary apart (the queue buckets by the first byte in which an instant differs
// from the floor): at every offset 2^(8k) - 1, 2^(8k) and 2^(8k) + 1 from a floor that is not
// round itself, on both sides of zero, taken one instant at a time.
TEST(RadixDueQueue, EntriesAcrossByteBoundariesComeOutAtTheirInstants) {
  for (const std::int64_t base : {std::int64_t{-1'000'003}, std::int64_t{0}, std::int64_t{123'456'789'011}}) {
    RadixDueQueue q;
    q.push(base, 0);
    EXPECT_EQ(take_sorted(q, base), (std::vector<Pair>{{base, 0}}));
    std::vector<Pair> all;
    std::uint32_t id = 1;
    for (int byte = 0; byte < 7; ++byte) {
      const std::int64_t step = std::int64_t{1} << (8 * byte);
      for (const std::int64_t d : {step - 1, step, step + 1, 255 * step, 256 * step - 1}) {
        if (d <= 0) continue;
        q.push(base + d, id);
        all.emplace_back(base + d, id);
        ++id;
      }
    }
    std::sort(all.begin(), all.end());
    std::size_t next = 0;
    while (next < all.size()) {
      const std::int64_t t = all[next].first;
      // Nothing comes out just before the next instant, then exactly the entries due at it.
      EXPECT_EQ(take_sorted(q, t - 1), std::vector<Pair>{}) << base << " " << t;
      std::vector<Pair> expected;
      while (next < all.size() && all[next].first == t) expected.push_back(all[next++]);
      EXPECT_EQ(take_sorted(q, t), expected) << base << " " << t;
    }
    EXPECT_TRUE(q.empty());
  }
}

// Against a plain list, over random pushes (clustered, spread, at the floor and before it),
// takes and compactions: the same entries come out at the same takes.
TEST(RadixDueQueue, AgreesWithAPlainListOnRandomOperations) {
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    std::mt19937_64 rng(seed);
    RadixDueQueue q;
    std::vector<Pair> model;
    std::int64_t now_ns = static_cast<std::int64_t>(rng() % 1000) - 500;
    std::uint32_t next_id = 0;
    for (int step = 0; step < 3000; ++step) {
      const unsigned op = static_cast<unsigned>(rng() % 10);
      if (op < 6) {
        std::int64_t t = now_ns;
        switch (rng() % 4) {
          case 0: t = now_ns + static_cast<std::int64_t>(rng() % 16); break;
          case 1: t = now_ns + static_cast<std::int64_t>(rng() % 1'000'000); break;
          case 2: t = now_ns + static_cast<std::int64_t>(rng() >> 20); break;
          default: t = now_ns - static_cast<std::int64_t>(rng() % 100); break;
        }
        const std::int64_t placed = std::max(t, q.floor_ns());
        q.push(t, next_id);
        model.emplace_back(placed, next_id);
        ++next_id;
      } else if (op < 9) {
        now_ns += static_cast<std::int64_t>(rng() % (op == 8 ? 10'000'000 : 1000));
        std::vector<Pair> expected;
        std::vector<Pair> kept;
        for (const Pair& p : model) (p.first <= now_ns ? expected : kept).push_back(p);
        std::sort(expected.begin(), expected.end());
        model = kept;
        ASSERT_EQ(take_sorted(q, now_ns), expected) << "seed " << seed << " step " << step;
        ASSERT_LE(q.floor_ns(), now_ns);
      } else {
        const std::uint32_t keep_mod = 2 + static_cast<std::uint32_t>(rng() % 3);
        q.compact([&](const RadixDueQueue::Entry& e) { return e.id % keep_mod != 0; });
        std::erase_if(model, [&](const Pair& p) { return p.second % keep_mod == 0; });
      }
      ASSERT_EQ(q.size(), model.size());
    }
  }
}

}  // namespace
}  // namespace clocksim::sim
