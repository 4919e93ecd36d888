// DaryHeap: replace_top (a pop and a push in one sift) leaves the heap holding what pop() then
// push() would, so every later top is the same; next_after_top() names the top after a pop.
#include "sim/queue/dary_heap.hpp"

#include <gtest/gtest.h>

#include <cstdint>

#include "algorithms/core/rng.hpp"

namespace clocksim::sim::queue {
namespace dary_heap_test {

struct Entry {
  EventKey key;
};

template <class Heap>
void check_replace_top_against_pop_push(std::uint64_t seed) {
  Heap fused;
  Heap plain;
  SmallRng rng(seed);
  std::uint64_t seq = 0;
  std::int64_t now = 0;
  // Times from a few values (many equal times: order by sequence) and from a wide range.
  auto next_key = [&] {
    const std::int64_t delay = rng() % 2 == 0 ? static_cast<std::int64_t>(rng() % 4)
                                              : static_cast<std::int64_t>(rng() % 1'000'000);
    return Entry{EventKey{now + delay, seq++}};
  };
  for (int i = 0; i < 1000; ++i) {
    const Entry e = next_key();
    fused.push(e);
    plain.push(e);
  }
  for (int step = 0; step < 200'000; ++step) {
    ASSERT_EQ(fused.empty(), plain.empty());
    if (plain.empty()) {
      const Entry e = next_key();
      fused.push(e);
      plain.push(e);
      continue;
    }
    ASSERT_EQ(fused.top().key, plain.top().key) << step;
    now = plain.top().key.time_ns;
    const Entry* predicted = plain.next_after_top();
    const EventKey predicted_key = predicted == nullptr ? EventKey{-1, 0} : predicted->key;
    // Mostly one push per pop (the fused case), sometimes none or two, like handlers do.
    const std::uint64_t pushes = rng() % 8 == 0 ? 0 : (rng() % 8 == 0 ? 2 : 1);
    plain.pop();
    if (predicted != nullptr) {
      ASSERT_EQ(plain.top().key, predicted_key) << step;
    } else {
      ASSERT_TRUE(plain.empty());
    }
    if (pushes == 0) {
      fused.pop();
      continue;
    }
    const Entry first = next_key();
    fused.replace_top(first);
    plain.push(first);
    if (pushes == 2) {
      const Entry second = next_key();
      fused.push(second);
      plain.push(second);
    }
    ASSERT_EQ(fused.size(), plain.size());
  }
  // Drain both: the same order to the end.
  while (!plain.empty()) {
    ASSERT_EQ(fused.top().key, plain.top().key);
    fused.pop();
    plain.pop();
  }
  EXPECT_TRUE(fused.empty());
}

TEST(DaryHeap, ReplaceTopMatchesPopThenPushBinary) {
  for (std::uint64_t seed = 1; seed <= 3; ++seed) check_replace_top_against_pop_push<BinaryHeap<Entry>>(seed);
}

TEST(DaryHeap, ReplaceTopMatchesPopThenPushQuaternary) {
  for (std::uint64_t seed = 1; seed <= 3; ++seed) check_replace_top_against_pop_push<QuaternaryHeap<Entry>>(seed);
}

TEST(DaryHeap, ReplaceTopOfASingleEntry) {
  BinaryHeap<Entry> heap;
  heap.push(Entry{EventKey{5, 0}});
  EXPECT_EQ(heap.next_after_top(), nullptr);
  heap.replace_top(Entry{EventKey{7, 1}});
  ASSERT_EQ(heap.size(), 1u);
  EXPECT_EQ(heap.top().key, (EventKey{7, 1}));
}

}  // namespace dary_heap_test
}  // namespace clocksim::sim::queue
