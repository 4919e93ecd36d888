#include "sim/queue/ladder_queue.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <limits>
#include <set>
#include <vector>

#include "algorithms/core/rng.hpp"

namespace clocksim::sim::queue {
namespace ladder_queue_test {

struct Entry {
  EventKey key;
};

constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();

// The ladder against an ordered set of the same keys, under one random schedule of pushes (at the
// current time, just after it, far after it, at the end of time), pops, removals and id
// rewrites. Any entry in the wrong part (heap, bucket, far list) shows up as a pop out of order.
void check_against_a_set(std::uint64_t seed, int steps) {
  LadderQueue<Entry> q;
  std::set<EventKey> want;
  SmallRng rng(seed);
  std::int64_t now = (seed % 2 == 0) ? 0 : kMin / 2;
  std::uint64_t id = 0;
  // now + d, saturated at the end of time.
  auto after = [&](std::uint64_t d) {
    // The room left before the end of time, in unsigned arithmetic (now may be negative).
    const std::uint64_t room = static_cast<std::uint64_t>(kMax) - static_cast<std::uint64_t>(now);
    return d > room ? kMax : static_cast<std::int64_t>(static_cast<std::uint64_t>(now) + d);
  };
  auto push = [&] {
    std::int64_t t = now;
    switch (rng() % 8) {
      case 0: break;  // the current instant
      case 1: t = after(rng() % 16); break;
      case 2: t = after(rng() % 1'000'000); break;
      case 3: t = after(rng() % 1'000'000'000'000ULL); break;
      case 4: t = std::max(now, kMax - static_cast<std::int64_t>(rng() % 3)); break;  // the end of time
      default: t = after(rng() % 10'000); break;
    }
    const EventKey key{t, id};
    id += 2;  // even ids: rewrite_ids below maps them order-preservingly
    q.push(Entry{key});
    want.insert(key);
  };
  for (int i = 0; i < 200; ++i) push();
  std::uint64_t loads_seen = q.loads();
  for (int step = 0; step < steps; ++step) {
    ASSERT_EQ(q.size(), want.size());
    const std::uint64_t r = rng() % 64;
    if (r == 0) {
      // Remove a random third, as EventQueue's purge of tombstones does.
      const std::uint64_t salt = rng();
      auto doomed = [salt](const EventKey& k) { return mix64(k.id ^ salt) % 3 == 0; };
      std::size_t expected = 0;
      for (auto it = want.begin(); it != want.end();) {
        if (doomed(*it)) {
          it = want.erase(it);
          ++expected;
        } else {
          ++it;
        }
      }
      ASSERT_EQ(q.remove_if([&](const Entry& e) { return doomed(e.key); }), expected);
    } else if (r == 1) {
      // An order-preserving renumbering, as EventQueue's rekey does.
      q.rewrite_ids([](std::uint64_t v) { return v + 1; });
      std::set<EventKey> moved;
      for (const EventKey& k : want) moved.insert(EventKey{k.time_ns, k.id + 1});
      want.swap(moved);
      q.rewrite_ids([](std::uint64_t v) { return v - 1; });
      moved.clear();
      for (const EventKey& k : want) moved.insert(EventKey{k.time_ns, k.id - 1});
      want.swap(moved);
    } else if (r == 2) {
      std::size_t seen = 0;
      q.for_each([&](const Entry& e) {
        ++seen;
        EXPECT_TRUE(want.count(e.key) == 1);
      });
      ASSERT_EQ(seen, want.size());
    }
    const std::uint64_t pops = rng() % 3;
    for (std::uint64_t k = 0; k < pops && !want.empty(); ++k) {
      ASSERT_EQ(q.top().key, *want.begin()) << "step " << step;
      // The prefetch hint names the next pops' entries, in order, from the top on; just after a
      // bucket moved in, the whole bucket.
      const auto ahead = q.loaded_ahead();
      if (q.loads() != loads_seen) {
        loads_seen = q.loads();
        ASSERT_FALSE(ahead.empty());
      }
      auto next = want.begin();
      for (std::size_t j = 0; j < ahead.size(); ++j, ++next) {
        ASSERT_TRUE(next != want.end());
        ASSERT_EQ(ahead[j].key, *next) << "step " << step << ", entry " << j;
      }
      now = want.begin()->time_ns;
      q.pop();
      want.erase(want.begin());
    }
    const std::uint64_t pushes = rng() % 3;
    for (std::uint64_t k = 0; k < pushes; ++k) push();
  }
  while (!want.empty()) {
    ASSERT_EQ(q.top().key, *want.begin());
    q.pop();
    want.erase(want.begin());
  }
  EXPECT_TRUE(q.empty());
  EXPECT_GT(loads_seen, 100U);  // the hint was checked across many buckets
}

TEST(LadderQueue, PopsLikeAnOrderedSetUnderRandomSchedules) {
  for (std::uint64_t seed = 1; seed <= 6; ++seed) check_against_a_set(seed, 40'000);
}

// Events of one instant keep their insertion order, however many there are and wherever they
// wait (all in the far list, then one bucket, then the heap).
TEST(LadderQueue, StormAtOneInstantIsFifo) {
  LadderQueue<Entry> q;
  for (std::uint64_t i = 0; i < 50'000; ++i) q.push(Entry{{1'000, i}});
  q.push(Entry{{5, 99'999'999}});
  q.push(Entry{{2'000, 99'999'998}});
  EXPECT_EQ(q.top().key.id, 99'999'999U);
  q.pop();
  for (std::uint64_t i = 0; i < 50'000; ++i) {
    ASSERT_EQ(q.top().key, (EventKey{1'000, i}));
    q.pop();
    if (i % 1000 == 0) q.push(Entry{{1'000, 100'000'000 + i}});  // same instant, later: after all
  }
  for (std::uint64_t i = 0; i < 50'000; i += 1000) {
    ASSERT_EQ(q.top().key, (EventKey{1'000, 100'000'000 + i}));
    q.pop();
  }
  EXPECT_EQ(q.top().key.time_ns, 2'000);
}

// Bursts (a thousand clients' timers within a few microseconds, every second) are spread over
// finer rungs; pushes that land inside a burst's bucket while its finer rung is in use, before
// and after that rung's span, still pop in order.
TEST(LadderQueue, BurstsSpreadOverFinerRungsStayInOrder) {
  LadderQueue<Entry> q;
  std::set<EventKey> want;
  SmallRng rng(11);
  std::uint64_t id = 0;
  auto push = [&](std::int64_t t) {
    q.push(Entry{{t, id}});
    want.insert(EventKey{t, id});
    ++id;
  };
  for (int second = 1; second <= 20; ++second) {
    for (int i = 0; i < 1000; ++i) push(second * 1'000'000'000LL + static_cast<std::int64_t>(rng() % 5'000));
  }
  std::size_t deepest = 0;
  while (!want.empty()) {
    ASSERT_EQ(q.top().key, *want.begin());
    const std::int64_t now = want.begin()->time_ns;
    q.pop();
    want.erase(want.begin());
    deepest = std::max(deepest, q.depth());
    switch (rng() % 4) {
      case 0: push(now + static_cast<std::int64_t>(rng() % 3)); break;           // inside the burst
      case 1: push(now + 5'000 + static_cast<std::int64_t>(rng() % 1'000)); break;  // just after it
      case 2: push(now + 1'000'000'000LL + static_cast<std::int64_t>(rng() % 5'000)); break;  // next round
      default: break;
    }
    if (want.size() > 40'000) break;
  }
  while (!want.empty()) {
    ASSERT_EQ(q.top().key, *want.begin());
    q.pop();
    want.erase(want.begin());
  }
  EXPECT_GE(deepest, 2U);  // the bursts did get rungs of their own
}

// The rung spans the whole range of int64 time without overflowing its bucket arithmetic.
TEST(LadderQueue, SpansTheWholeRangeOfTime) {
  LadderQueue<Entry> q;
  const std::vector<std::int64_t> times = {kMax, kMin, 0, -1, 1, kMax - 1, kMin + 1, kMax / 2, kMin / 2};
  std::uint64_t id = 0;
  for (std::int64_t t : times) q.push(Entry{{t, id++}});
  std::set<EventKey> want;
  id = 0;
  for (std::int64_t t : times) want.insert(EventKey{t, id++});
  for (const EventKey& k : want) {
    ASSERT_EQ(q.top().key, k);
    q.pop();
    // A push at the instant just popped lands in the heap and comes next.
    if (k.time_ns == 0) {
      q.push(Entry{{0, 1'000}});
      ASSERT_EQ(q.top().key, (EventKey{0, 1'000}));
      q.pop();
    }
  }
  EXPECT_TRUE(q.empty());
}

// Entries marked dead leave when the ladder moves them (laying out the far list, spreading a
// bucket, sorting one into the near part) and are handed back, exactly once each; a marked entry
// the ladder does not move again (already in the near part, or the last one) is popped as usual
// and unmarked by its owner. Against an ordered set of what is still in the ladder, under random
// pushes over many time scales, pops and marks, with ids of slots that are reused as in the
// event queue.
void check_marks_against_a_set(std::uint64_t seed, int steps) {
  constexpr unsigned kSlotBits = 16;
  constexpr std::uint64_t kSlotMask = (std::uint64_t{1} << kSlotBits) - 1;
  LadderQueue<Entry> q;
  q.set_mark_mask(kSlotMask);
  std::set<EventKey> inside;  // every entry the ladder holds: live or marked
  std::set<EventKey> marked;
  std::vector<std::uint64_t> free_slots;
  std::uint64_t next_slot = 0;
  std::uint64_t seq = 0;
  std::int64_t now = 0;
  SmallRng rng(seed);
  std::size_t dropped_total = 0;
  std::size_t marked_total = 0;
  std::vector<std::uint64_t> dropped;
  auto release = [&](std::uint64_t id) { free_slots.push_back(id & kSlotMask); };
  auto drain = [&] {
    dropped.clear();
    q.take_dropped(dropped);
    for (const std::uint64_t id : dropped) {
      const auto it = std::find_if(marked.begin(), marked.end(), [&](const EventKey& k) { return k.id == id; });
      ASSERT_TRUE(it != marked.end()) << "dropped an entry that was not marked: " << id;
      ASSERT_EQ(inside.erase(*it), 1U);
      marked.erase(it);
      release(id);
      ++dropped_total;
    }
    ASSERT_EQ(q.size(), inside.size());
  };
  auto push = [&] {
    std::uint64_t slot;
    if (!free_slots.empty()) {
      slot = free_slots.back();
      free_slots.pop_back();
    } else {
      slot = next_slot++;
    }
    std::int64_t d = 0;
    switch (rng() % 6) {
      case 0: break;
      case 1: d = static_cast<std::int64_t>(rng() % 5'000); break;
      case 2: d = static_cast<std::int64_t>(rng() % 5'000'000); break;
      case 3: d = 1'000'000'000 + static_cast<std::int64_t>(rng() % 1'000'000); break;  // a timeout
      default: d = static_cast<std::int64_t>(rng() % 2'000'000'000); break;
    }
    const EventKey key{now + d, (seq++ << kSlotBits) | slot};
    q.push(Entry{key});
    inside.insert(key);
  };
  for (int i = 0; i < 500; ++i) push();
  for (int step = 0; step < steps; ++step) {
    const std::uint64_t r = rng() % 8;
    if (r < 3 && inside.size() > marked.size()) {
      // Mark a random live entry dead, as a cancellation does.
      auto it = inside.begin();
      std::advance(it, static_cast<std::ptrdiff_t>(rng() % inside.size()));
      if (marked.count(*it) == 0) {
        q.mark_dead(it->id & kSlotMask);
        marked.insert(*it);
        ++marked_total;
      }
    } else if (r < 6 && !inside.empty()) {
      const EventKey top = q.top().key;
      drain();
      ASSERT_FALSE(inside.empty());
      ASSERT_EQ(top, *inside.begin()) << "step " << step;
      q.pop();
      if (marked.erase(top) == 1) q.unmark(top.id & kSlotMask);  // a tombstone popped by its owner
      inside.erase(top);
      release(top.id);
      now = top.time_ns;
    } else {
      push();
      if (rng() % 2 == 0) push();
    }
    drain();
  }
  while (!inside.empty()) {
    const EventKey top = q.top().key;
    drain();
    ASSERT_EQ(top, *inside.begin());
    q.pop();
    if (marked.erase(top) == 1) q.unmark(top.id & kSlotMask);
    inside.erase(top);
  }
  EXPECT_TRUE(q.empty());
  EXPECT_TRUE(marked.empty());
  // Marks fall on random entries, a third of them pushed within 5 us of the top and mostly in the
  // near part already: about 43 % are dropped on these seeds (37 % if only the far list's lay-out
  // dropped; DropsEveryMarkedEntryOutsideTheNearPart tells the two apart).
  EXPECT_GT(dropped_total, marked_total / 4) << dropped_total << " of " << marked_total;
}

TEST(LadderQueue, DropsMarkedEntriesWhenItMovesThem) {
  for (std::uint64_t seed = 1; seed <= 4; ++seed) check_marks_against_a_set(seed, 30'000);
}

// Every marked entry outside the near part is dropped on its way there: from the far list, from a
// bucket sorted into the near part, and from a crowded bucket spread over a finer rung.
TEST(LadderQueue, DropsEveryMarkedEntryOutsideTheNearPart) {
  LadderQueue<Entry> q;
  q.set_mark_mask(0xffff);
  std::set<EventKey> all;
  std::uint64_t id = 0;
  auto push = [&](std::int64_t t) {
    const EventKey k{t, id++};
    q.push(Entry{k});
    all.insert(k);
  };
  push(0);
  for (int i = 0; i < 2000; ++i) push(1'000'000 + (i * 7919) % 1'000'000);   // ordinary buckets
  for (int i = 0; i < 1000; ++i) push(1'000'000'000 + (i * 31) % 500);        // a crowd to spread
  ASSERT_EQ(q.top().key, *all.begin());  // lays the far list out; the first bucket moves in
  std::set<EventKey> near;
  for (const Entry& e : q.loaded_ahead()) near.insert(e.key);
  ASSERT_FALSE(near.empty());
  std::set<EventKey> marked;
  for (const EventKey& k : all) {
    if (k.id % 2 == 0 && near.count(k) == 0) {
      q.mark_dead(k.id);
      marked.insert(k);
    }
  }
  std::vector<EventKey> popped;
  while (!q.empty()) {
    popped.push_back(q.top().key);
    q.pop();
  }
  std::vector<std::uint64_t> dropped;
  q.take_dropped(dropped);
  std::vector<EventKey> want;
  for (const EventKey& k : all) {
    if (marked.count(k) == 0) want.push_back(k);
  }
  EXPECT_EQ(popped, want);
  EXPECT_EQ(dropped.size(), marked.size());
}

// A ladder whose every entry is marked keeps one: the owner asked for the top of a queue that
// was not empty, so moving entries must not empty it.
TEST(LadderQueue, NeverDropsTheLastEntry) {
  LadderQueue<Entry> q;
  q.set_mark_mask(0xffff);
  for (std::uint64_t i = 0; i < 1000; ++i) q.push(Entry{{static_cast<std::int64_t>(1'000 + i * 7919 % 1000), i}});
  for (std::uint64_t i = 0; i < 1000; ++i) q.mark_dead(i);
  ASSERT_FALSE(q.empty());
  const EventKey top = q.top().key;
  std::vector<std::uint64_t> dropped;
  q.take_dropped(dropped);
  EXPECT_EQ(dropped.size(), 999U);
  EXPECT_EQ(q.size(), 1U);
  EXPECT_EQ(std::count(dropped.begin(), dropped.end(), top.id), 0);
  q.pop();
  q.unmark(top.id);
  EXPECT_TRUE(q.empty());
}

// Buckets hand their chunks back: the same population, cycled through many rungs, keeps the
// memory of one population rather than growing with the number of rebuilds.
TEST(LadderQueue, MemoryFollowsThePopulation) {
  LadderQueue<Entry> q;
  SmallRng rng(7);
  std::uint64_t id = 0;
  std::int64_t now = 0;
  for (int i = 0; i < 100'000; ++i) q.push(Entry{{static_cast<std::int64_t>(rng() % 10'000'000), id++}});
  std::size_t after_first_round = 0;
  for (int round = 0; round < 20; ++round) {
    for (int i = 0; i < 100'000; ++i) {
      now = q.top().key.time_ns;
      q.pop();
      q.push(Entry{{now + 1 + static_cast<std::int64_t>(rng() % 10'000'000), id++}});
    }
    if (round == 0) after_first_round = q.memory_bytes();
  }
  EXPECT_EQ(q.size(), 100'000U);
  EXPECT_LE(q.memory_bytes(), after_first_round * 5 / 4);
  // About 16 bytes of key per entry, plus chunk slack and the far list's capacity.
  EXPECT_LT(q.memory_bytes(), 100'000U * 96);
}

}  // namespace ladder_queue_test
}  // namespace clocksim::sim::queue
