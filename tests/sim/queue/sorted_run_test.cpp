#include "sim/queue/sorted_run.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <iterator>
#include <set>
#include <vector>

#include "algorithms/core/rng.hpp"

namespace clocksim::sim::queue {
namespace sorted_run_test {

struct Entry {
  EventKey key;
};

// The run against an ordered set under random loads (an empty run filled with a bucket's
// entries in any order), pushes before, inside and after what it holds, pops, fused pop-pushes,
// removals and id rewrites; the top and the hint for the next top are checked at every step.
void check_against_a_set(std::uint64_t seed, int steps) {
  SortedRun<Entry> q;
  std::set<EventKey> want;
  SmallRng rng(seed);
  std::int64_t now = 0;
  std::uint64_t id = 0;
  auto key_at = [&](std::int64_t t) {
    const EventKey k{t, id};
    id += 2;  // even ids: rewrite_ids maps them order-preservingly
    return k;
  };
  auto random_time = [&] {
    switch (rng() % 4) {
      case 0: return now;                                            // this instant: FIFO
      case 1: return now + static_cast<std::int64_t>(rng() % 8);   // ties with what is held
      case 2: return now + 1000 + static_cast<std::int64_t>(rng() % 1000);  // past everything
      default: return now + static_cast<std::int64_t>(rng() % 1000);
    }
  };
  for (int step = 0; step < steps; ++step) {
    ASSERT_EQ(q.size(), want.size());
    ASSERT_EQ(q.empty(), want.empty());
    if (!want.empty()) {
      ASSERT_EQ(q.top().key, *want.begin()) << "seed " << seed << " step " << step;
      const Entry* next = q.next_after_top();
      if (want.size() == 1) {
        ASSERT_EQ(next, nullptr);
      } else {
        ASSERT_NE(next, nullptr);
        ASSERT_EQ(next->key, *std::next(want.begin())) << "seed " << seed << " step " << step;
      }
    } else {
      ASSERT_EQ(q.next_after_top(), nullptr);
      // Refill from a "bucket": entries in arbitrary order, some sharing an instant.
      std::vector<Entry> bucket;
      const std::size_t n = rng() % 200;
      for (std::size_t i = 0; i < n; ++i) bucket.push_back(Entry{key_at(now + static_cast<std::int64_t>(rng() % 50))});
      for (std::size_t i = n; i > 1; --i) std::swap(bucket[i - 1], bucket[rng() % i]);
      q.load(bucket.size(), [&](auto&& add) {
        for (const Entry& e : bucket) add(e);
      });
      for (const Entry& e : bucket) want.insert(e.key);
      continue;
    }
    const std::uint64_t r = rng() % 32;
    if (r < 10) {
      const EventKey k = key_at(random_time());
      q.push(Entry{k});
      want.insert(k);
    } else if (r < 22) {
      now = q.top().key.time_ns;
      q.pop();
      want.erase(want.begin());
    } else if (r < 30) {
      now = q.top().key.time_ns;
      const EventKey k = key_at(random_time());
      q.replace_top(Entry{k});
      want.erase(want.begin());
      want.insert(k);
    } else if (r == 30) {
      const std::uint64_t salt = rng();
      const std::size_t removed = q.remove_if([&](const Entry& e) { return (e.key.id ^ salt) % 3 == 0; });
      std::size_t expected = 0;
      for (auto it = want.begin(); it != want.end();) {
        if ((it->id ^ salt) % 3 == 0) {
          it = want.erase(it);
          ++expected;
        } else {
          ++it;
        }
      }
      ASSERT_EQ(removed, expected);
    } else {
      q.rewrite_ids([](std::uint64_t v) { return v + 2; });
      std::set<EventKey> moved;
      for (const EventKey& k : want) moved.insert(EventKey{k.time_ns, k.id + 2});
      want.swap(moved);
      id += 2;
      std::size_t seen = 0;
      q.for_each([&](const Entry& e) {
        ++seen;
        ASSERT_TRUE(want.count(e.key)) << "seed " << seed;
      });
      ASSERT_EQ(seen, want.size());
    }
  }
}

TEST(SortedRun, PopsLikeAnOrderedSetUnderRandomSchedules) {
  for (std::uint64_t seed = 1; seed <= 40; ++seed) check_against_a_set(seed, 20'000);
}

// A storm at one instant loaded in reverse, then handlers pushing at that instant (FIFO behind
// the storm) and later: the order is (time, id) throughout.
TEST(SortedRun, StormAtOneInstantIsFifo) {
  SortedRun<Entry> q;
  const std::size_t n = 100'000;
  q.load(n, [&](auto&& add) {
    for (std::size_t i = n; i-- > 0;) add(Entry{EventKey{7, i}});
  });
  std::uint64_t id = n;
  for (std::size_t i = 0; i < n; ++i) {
    ASSERT_EQ(q.top().key, (EventKey{7, i}));
    q.replace_top(Entry{EventKey{i < n / 2 ? 7 : 9 + static_cast<std::int64_t>(i % 3), id++}});
  }
  std::int64_t last_t = 7;
  std::uint64_t last_id = n - 1;
  for (std::size_t i = 0; i < n; ++i) {
    const EventKey k = q.top().key;
    ASSERT_TRUE(last_t < k.time_ns || (last_t == k.time_ns && last_id < k.id));
    last_t = k.time_ns;
    last_id = k.id;
    q.pop();
  }
  EXPECT_TRUE(q.empty());
}

}  // namespace sorted_run_test
}  // namespace clocksim::sim::queue
