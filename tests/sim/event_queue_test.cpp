#include "sim/event_queue.hpp"

#include <gtest/gtest.h>

#include <boost/random/uniform_int_distribution.hpp>
#include <algorithm>
#include <cstdint>
#include <limits>
#include <map>
#include <utility>
#include <vector>

#include "algorithms/core/rng.hpp"
#include "sim/queue/calendar_queue.hpp"
#include "sim/queue/ladder_queue.hpp"

namespace clocksim::sim {
namespace {

struct Payload {
  std::uint32_t node;
  std::uint32_t kind;
  std::uint64_t tag;
};

// Every index policy runs the same suite (as ns-3 runs one test case per scheduler). The
// "Renumbering" variants squeeze the sequence space to 2^6 so that the O(n log n) renumbering of
// pending events runs every few dozen pushes.
template <template <class> class Index, unsigned kMinSlotBits>
struct Variant {
  using Queue = EventQueue<Payload, Index>;
  static Queue make() { return Queue(kMinSlotBits); }
  static Queue make_with_slot_bits(unsigned bits) { return Queue(bits); }
};

template <class V>
class EventQueueTest : public ::testing::Test {};

using Variants = ::testing::Types<
    Variant<queue::BinaryHeap, EventQueue<Payload>::kDefaultSlotBits>,
    Variant<queue::QuaternaryHeap, EventQueue<Payload>::kDefaultSlotBits>,
    Variant<queue::CalendarQueue, EventQueue<Payload>::kDefaultSlotBits>,
    Variant<queue::LadderQueue, EventQueue<Payload>::kDefaultSlotBits>,
    Variant<queue::BinaryHeap, 58>, Variant<queue::QuaternaryHeap, 58>,
    Variant<queue::CalendarQueue, 58>, Variant<queue::LadderQueue, 58>>;
TYPED_TEST_SUITE(EventQueueTest, Variants);

Time at_ns(std::int64_t ns) { return Time::from_ns(ns); }
Payload tagged(std::uint64_t tag) { return Payload{static_cast<std::uint32_t>(tag), 0, tag}; }

// Pops everything: `want` (time, tag) in push order, stably sorted by time, then nothing.
template <class Queue>
void expect_pops_in_push_order_by_time(Queue& q, std::vector<std::pair<std::int64_t, std::uint64_t>> want) {
  std::stable_sort(want.begin(), want.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  for (const auto& [t_want, tag_want] : want) {
    Time t;
    Payload p{};
    ASSERT_TRUE(q.pop(t, p));
    ASSERT_EQ(t.ns(), t_want);
    ASSERT_EQ(p.tag, tag_want);
  }
  Time t;
  Payload p{};
  EXPECT_FALSE(q.pop(t, p));
}

TYPED_TEST(EventQueueTest, EmptyQueue) {
  auto q = TypeParam::make();
  Time t;
  Payload p{};
  EXPECT_TRUE(q.empty());
  EXPECT_EQ(q.size(), 0U);
  EXPECT_FALSE(q.pop(t, p));
  EXPECT_FALSE(q.next_time().has_value());
}

TYPED_TEST(EventQueueTest, PopsInTimeOrder) {
  auto q = TypeParam::make();
  for (std::int64_t t : {50, 10, 40, 20, 30, 0, 60}) q.push(at_ns(t), tagged(static_cast<std::uint64_t>(t)));
  EXPECT_EQ(q.size(), 7U);
  Time t;
  Payload p{};
  for (std::int64_t expected : {0, 10, 20, 30, 40, 50, 60}) {
    ASSERT_TRUE(q.pop(t, p));
    EXPECT_EQ(t.ns(), expected);
    EXPECT_EQ(p.tag, static_cast<std::uint64_t>(expected));
  }
  EXPECT_FALSE(q.pop(t, p));
}

TYPED_TEST(EventQueueTest, FifoAmongEqualTimes) {
  auto q = TypeParam::make();
  // Interleave two times so that equal-time events are not pushed contiguously.
  for (std::uint64_t i = 0; i < 40; ++i) q.push(at_ns(i % 2 == 0 ? 100 : 7), tagged(i));
  Time t;
  Payload p{};
  std::vector<std::uint64_t> order;
  while (q.pop(t, p)) order.push_back(p.tag);
  std::vector<std::uint64_t> expected;
  for (std::uint64_t i = 1; i < 40; i += 2) expected.push_back(i);
  for (std::uint64_t i = 0; i < 40; i += 2) expected.push_back(i);
  EXPECT_EQ(order, expected);
}

TYPED_TEST(EventQueueTest, PushAtCurrentTimeRunsAfterEarlierEqualEvents) {
  auto q = TypeParam::make();
  q.push(at_ns(5), tagged(1));
  q.push(at_ns(5), tagged(2));
  Time t;
  Payload p{};
  ASSERT_TRUE(q.pop(t, p));
  EXPECT_EQ(p.tag, 1U);
  q.push(at_ns(5), tagged(3));  // scheduled "now": after everything already due now
  ASSERT_TRUE(q.pop(t, p));
  EXPECT_EQ(p.tag, 2U);
  ASSERT_TRUE(q.pop(t, p));
  EXPECT_EQ(p.tag, 3U);
}

TYPED_TEST(EventQueueTest, CancelRemovesEvent) {
  auto q = TypeParam::make();
  q.push(at_ns(1), tagged(1));
  const EventHandle h = q.push(at_ns(2), tagged(2));
  q.push(at_ns(3), tagged(3));
  EXPECT_TRUE(q.cancel(h));
  EXPECT_EQ(q.size(), 2U);
  Time t;
  Payload p{};
  ASSERT_TRUE(q.pop(t, p));
  EXPECT_EQ(p.tag, 1U);
  ASSERT_TRUE(q.pop(t, p));
  EXPECT_EQ(p.tag, 3U);
  EXPECT_FALSE(q.pop(t, p));
  EXPECT_TRUE(q.empty());
}

TYPED_TEST(EventQueueTest, CancelTwiceOrAfterFiringIsNoOp) {
  auto q = TypeParam::make();
  const EventHandle fired = q.push(at_ns(1), tagged(1));
  const EventHandle cancelled = q.push(at_ns(2), tagged(2));
  EXPECT_TRUE(q.cancel(cancelled));
  EXPECT_FALSE(q.cancel(cancelled));
  Time t;
  Payload p{};
  ASSERT_TRUE(q.pop(t, p));
  EXPECT_EQ(p.tag, 1U);
  EXPECT_FALSE(q.cancel(fired));
  // The freed slots get reused: old handles must not cancel the new occupants.
  const EventHandle a = q.push(at_ns(3), tagged(3));
  const EventHandle b = q.push(at_ns(4), tagged(4));
  EXPECT_FALSE(q.cancel(fired));
  EXPECT_FALSE(q.cancel(cancelled));
  EXPECT_FALSE(q.cancel(EventHandle{}));
  EXPECT_EQ(q.size(), 2U);
  ASSERT_TRUE(q.pop(t, p));
  EXPECT_EQ(p.tag, 3U);
  ASSERT_TRUE(q.pop(t, p));
  EXPECT_EQ(p.tag, 4U);
  EXPECT_FALSE(q.cancel(a));
  EXPECT_FALSE(q.cancel(b));
}

TYPED_TEST(EventQueueTest, NextTimeSkipsCancelled) {
  auto q = TypeParam::make();
  const EventHandle first = q.push(at_ns(10), tagged(1));
  const EventHandle second = q.push(at_ns(20), tagged(2));
  q.push(at_ns(30), tagged(3));
  ASSERT_TRUE(q.next_time().has_value());
  EXPECT_EQ(q.next_time()->ns(), 10);
  q.cancel(first);
  q.cancel(second);
  ASSERT_TRUE(q.next_time().has_value());
  EXPECT_EQ(q.next_time()->ns(), 30);
  Time t;
  Payload p{};
  ASSERT_TRUE(q.pop(t, p));
  EXPECT_EQ(p.tag, 3U);
  EXPECT_FALSE(q.next_time().has_value());
}

TYPED_TEST(EventQueueTest, RearmedTimersDoNotGrowTheIndex) {
  // A node that re-arms its timeout on every message: one live event, a million cancels.
  auto q = TypeParam::make();
  EventHandle h = q.push(at_ns(1000), tagged(0));
  std::size_t max_index = 0;
  for (std::uint64_t i = 1; i <= 1'000'000; ++i) {
    ASSERT_TRUE(q.cancel(h));
    h = q.push(at_ns(1000 + static_cast<std::int64_t>(i)), tagged(i));
    max_index = std::max(max_index, q.index_size());
  }
  EXPECT_EQ(q.size(), 1U);
  EXPECT_LE(max_index, 2 * q.size() + EventQueue<Payload>::kCompactMin + 1);
  Time t;
  Payload p{};
  ASSERT_TRUE(q.pop(t, p));
  EXPECT_EQ(p.tag, 1'000'000U);
  EXPECT_EQ(t.ns(), 1'001'000);
  EXPECT_FALSE(q.pop(t, p));
}

TYPED_TEST(EventQueueTest, GrowsBeyondInitialSlotBits) {
  auto q = TypeParam::make_with_slot_bits(1);  // two slots before the first rekey
  for (std::uint64_t i = 0; i < 1000; ++i) q.push(at_ns(static_cast<std::int64_t>(i % 7)), tagged(i));
  EXPECT_GE(q.slot_bits(), 10U);
  Time t;
  Payload p{};
  std::int64_t last_t = -1;
  std::uint64_t last_tag = 0;
  std::size_t n = 0;
  while (q.pop(t, p)) {
    if (t.ns() == last_t) {
      EXPECT_GT(p.tag, last_tag);  // FIFO survives renumbering
    }
    EXPECT_GE(t.ns(), last_t);
    last_t = t.ns();
    last_tag = p.tag;
    ++n;
  }
  EXPECT_EQ(n, 1000U);
}

// Randomized comparison with a reference model, std::map keyed by (time, seq), over push, cancel,
// next_time, pop_until and pop. `delay` draws how far ahead of the current time each push lands.
// A share `bare_percent` of the pushes are bare events (push_bare), which pop as the payload
// tagged kBareTag and cannot be cancelled.
constexpr std::uint64_t kBareTag = 0xba5eba11;

template <class Queue, class DelayFn>
void check_against_reference(Queue& q, std::uint64_t seed, int steps, DelayFn delay, std::uint64_t bare_percent = 0) {
  q.set_bare_payload(tagged(kBareTag));
  using RefKey = std::pair<std::int64_t, std::uint64_t>;
  std::map<RefKey, std::uint64_t> ref;                  // (time, seq) -> tag
  std::vector<std::pair<EventHandle, RefKey>> handles;  // recent handles, some long dead
  Rng rng(seed);
  boost::random::uniform_int_distribution<int> op(0, 99);
  std::int64_t now = 0;
  std::uint64_t seq = 0;
  // Keep the population small in the renumbering variants (sequence space of 64).
  const std::size_t cap = q.slot_bits() > 32 ? 16 : 4096;
  for (int step = 0; step < steps; ++step) {
    const int o = op(rng);
    if (o < 45 && ref.size() < cap) {
      const std::int64_t t = now + delay(rng);
      const RefKey key{t, seq++};
      if (bare_percent != 0 && rng() % 100 < bare_percent) {
        q.push_bare(at_ns(t));
        ref.emplace(key, kBareTag);
      } else {
        handles.emplace_back(q.push(at_ns(t), tagged(key.second)), key);
        ref.emplace(key, key.second);
      }
    } else if (o < 60 && !handles.empty()) {
      boost::random::uniform_int_distribution<std::size_t> pick(0, handles.size() - 1);
      const auto& [h, key] = handles[pick(rng)];
      const bool live = ref.erase(key) == 1;
      ASSERT_EQ(q.cancel(h), live);
    } else if (o < 65) {
      const auto next = q.next_time();
      ASSERT_EQ(next.has_value(), !ref.empty());
      if (next) {
        ASSERT_EQ(next->ns(), ref.begin()->first.first);
      }
    } else if (o < 75) {
      // pop_until: a limit drawn like a push, so it falls before, at or after the next event.
      const std::int64_t limit = now + delay(rng);
      Time t = at_ns(-1);
      Payload p{};
      const bool due = !ref.empty() && ref.begin()->first.first <= limit;
      ASSERT_EQ(q.pop_until(at_ns(limit), t, p), due);
      if (due) {
        ASSERT_EQ(t.ns(), ref.begin()->first.first);
        ASSERT_EQ(p.tag, ref.begin()->second);
        now = t.ns();
        ref.erase(ref.begin());
      } else {
        ASSERT_EQ(t.ns(), -1);  // nothing popped, nothing written
      }
    } else {
      Time t;
      Payload p{};
      const bool got = q.pop(t, p);
      ASSERT_EQ(got, !ref.empty());
      if (got) {
        ASSERT_EQ(t.ns(), ref.begin()->first.first);
        ASSERT_EQ(p.tag, ref.begin()->second);
        now = t.ns();
        ref.erase(ref.begin());
      }
    }
    ASSERT_EQ(q.size(), ref.size());
    if (handles.size() > 10'000) handles.erase(handles.begin(), handles.begin() + 5'000);
  }
}

// Bare events among the others, under every operation, on every index, through the renumbering
// (the variants with 58 slot bits renumber every few dozen pushes).
TYPED_TEST(EventQueueTest, MatchesReferenceModelWithBareEvents) {
  auto q = TypeParam::make();
  boost::random::uniform_int_distribution<std::int64_t> delay(0, 2'000'000);
  check_against_reference(q, derive_seed(44, "event_queue_test"), 100'000, [&](Rng& rng) { return delay(rng); }, 30);
}

// A bare event stays bare when the queue outgrows its slot bits: its low bits are all ones
// before and after, and no slot ever takes that number.
// Without the cache hints (a small world, whose queue stays in cache): the pops are the same.
// The hints can settle a fused pop early; without them the next use of the index does.
TYPED_TEST(EventQueueTest, MatchesReferenceModelWithoutPrefetching) {
  auto q = TypeParam::make();
  q.set_prefetch(false);
  boost::random::uniform_int_distribution<std::int64_t> delay(0, 2'000'000);
  check_against_reference(q, derive_seed(45, "event_queue_test"), 100'000, [&](Rng& rng) { return delay(rng); }, 30);
}

TYPED_TEST(EventQueueTest, BareEventsSurviveGrowthOfTheSlotBits) {
  auto q = TypeParam::make_with_slot_bits(1);  // one slot before the first rekey
  q.set_bare_payload(tagged(kBareTag));
  std::vector<std::pair<std::int64_t, std::uint64_t>> want;  // (time, tag) in push order
  for (std::uint64_t i = 0; i < 3000; ++i) {
    const std::int64_t t = static_cast<std::int64_t>(i % 11);
    if (i % 3 == 0) {
      q.push_bare(at_ns(t));
      want.emplace_back(t, kBareTag);
    } else {
      q.push(at_ns(t), tagged(i));
      want.emplace_back(t, i);
    }
  }
  EXPECT_GE(q.slot_bits(), 11U);
  expect_pops_in_push_order_by_time(q, want);
}

TYPED_TEST(EventQueueTest, MatchesReferenceModel) {
  auto q = TypeParam::make();
  boost::random::uniform_int_distribution<std::int64_t> delay(0, 50);  // many equal times
  check_against_reference(q, derive_seed(42, "event_queue_test"), 200'000,
                          [&](Rng& rng) { return delay(rng); });
}

// Delays that jump between nanoseconds, milliseconds, seconds and hours, with bursts at the current
// instant: the calendar queue must re-estimate its windows and survive empty years.
TYPED_TEST(EventQueueTest, MatchesReferenceModelAcrossTimeScales) {
  auto q = TypeParam::make();
  boost::random::uniform_int_distribution<int> scale(0, 99);
  boost::random::uniform_int_distribution<std::int64_t> unit(0, 999);
  int phase = 0;
  check_against_reference(q, derive_seed(43, "event_queue_test"), 300'000, [&](Rng& rng) {
    ++phase;
    const int s = scale(rng);
    const std::int64_t u = unit(rng);
    if ((phase / 20'000) % 3 == 2 && s < 60) return std::int64_t{0};  // storms at "now"
    if (s < 30) return u;                                             // ns
    if (s < 70) return u * 1'000'000;                                 // ms
    if (s < 95) return u * 1'000'000'000;                             // s
    return u * 3'600'000'000'000;                                     // hours
  });
}

// The extremes of the time axis, equal times among them, and a storm of cancellations: every
// policy must still pop in (time, insertion) order. Times near INT64_MAX stress any arithmetic on
// keys (the calendar's windows, a comparator that subtracted), the storm the tombstone purge.
TYPED_TEST(EventQueueTest, ExtremeTimesEqualTimesAndCancellationStorm) {
  auto q = TypeParam::make();
  constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
  constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();
  const std::vector<std::int64_t> times = {kMax, kMin + 1, 0, kMax, -1, kMax - 1, kMin + 1, 1, kMax, -kMax};
  const std::size_t storm = q.slot_bits() > 32 ? 20 : 5000;
  std::vector<std::pair<std::int64_t, std::uint64_t>> want;  // (time, tag) in pop order
  std::uint64_t tag = 0;
  for (std::size_t round = 0; round < 3; ++round) {
    for (const std::int64_t t : times) {
      q.push(at_ns(t), tagged(tag));
      want.emplace_back(t, tag++);
    }
    // Timers armed and cancelled, again and again, all at the far end and at the start of time.
    std::vector<EventHandle> timers;
    for (std::size_t i = 0; i < storm; ++i) timers.push_back(q.push(at_ns(i % 2 == 0 ? kMax : kMin + 1), tagged(1u << 31)));
    for (const EventHandle h : timers) ASSERT_TRUE(q.cancel(h));
  }
  EXPECT_EQ(q.size(), want.size());
  expect_pops_in_push_order_by_time(q, want);
}

#ifndef NDEBUG
// The heaps fuse a pop with the push its handler makes (replace_top); the calendar queue does
// not. Driven like the world drives it (pop, then usually one push, sometimes none or two, with
// cancellations, peeks and next_time in between), both must pop the same events in the same order.
template <template <class> class Index>
void check_fused_against_calendar(std::uint64_t seed) {
  EventQueue<Payload, Index> fused;
  EventQueue<Payload, queue::CalendarQueue> plain;
  SmallRng rng(seed);
  std::int64_t now = 0;
  std::uint64_t tag = 0;
  std::vector<std::pair<EventHandle, EventHandle>> handles;
  auto push = [&] {
    const std::int64_t t = now + (rng() % 3 == 0 ? 0 : static_cast<std::int64_t>(rng() % 100'000));
    handles.emplace_back(fused.push(at_ns(t), tagged(tag)), plain.push(at_ns(t), tagged(tag)));
    ++tag;
  };
  for (int i = 0; i < 500; ++i) push();
  for (int step = 0; step < 100'000; ++step) {
    const Payload* expected = fused.peek_top();
    const bool exact = expected != nullptr && fused.tombstones() == 0;
    const std::uint64_t expected_tag = expected != nullptr ? expected->tag : 0;
    Time t1, t2;
    Payload p1{}, p2{};
    const bool got = fused.pop(t1, p1);
    ASSERT_EQ(got, plain.pop(t2, p2));
    if (!got) {
      push();
      continue;
    }
    ASSERT_EQ(t1, t2);
    ASSERT_EQ(p1.tag, p2.tag) << step;
    if (exact) {
      // With no tombstone, the prediction made before the pop is exact.
      ASSERT_EQ(expected_tag, p1.tag) << step;
    }
    now = t1.ns();
    const std::uint64_t r = rng() % 16;
    if (r == 0) {
      ASSERT_EQ(fused.next_time(), plain.next_time());
    } else if (r == 1 && !handles.empty()) {
      const auto& [h1, h2] = handles[rng() % handles.size()];
      ASSERT_EQ(fused.cancel(h1), plain.cancel(h2));
    } else if (r == 2) {
      const Payload* next = fused.peek_top();
      const auto time = fused.next_time();
      ASSERT_EQ(next == nullptr, !time.has_value());
    }
    const std::uint64_t pushes = r == 3 ? 0 : (r == 4 ? 2 : 1);
    for (std::uint64_t k = 0; k < pushes; ++k) push();
    ASSERT_EQ(fused.size(), plain.size());
    ASSERT_EQ(fused.index_size() - fused.tombstones(), fused.size());
    if (handles.size() > 10'000) handles.erase(handles.begin(), handles.begin() + 5'000);
  }
}

TEST(EventQueue, FusedPopPushMatchesTheCalendarQueueBinary) {
  for (std::uint64_t seed = 1; seed <= 3; ++seed) check_fused_against_calendar<queue::BinaryHeap>(seed);
}

TEST(EventQueue, FusedPopPushMatchesTheCalendarQueueQuaternary) {
  for (std::uint64_t seed = 1; seed <= 3; ++seed) check_fused_against_calendar<queue::QuaternaryHeap>(seed);
}

// The default index (the ladder) driven the same way.
TEST(EventQueue, LadderQueueMatchesTheCalendarQueue) {
  for (std::uint64_t seed = 1; seed <= 3; ++seed) check_fused_against_calendar<queue::LadderQueue>(seed);
}

// The ladder drops a cancelled event when it moves it, so a timeout that a reply cancels is never
// sorted or popped: once the far list is laid out, the index holds live events only, the dropped
// events' slots are free again, and the rest pop in order.
TEST(EventQueue, LadderDropsCancelledEventsWhenItMovesThem) {
  EventQueue<Payload> q;  // the default index: the ladder
  std::vector<EventHandle> handles;
  for (std::uint64_t i = 0; i < 10'000; ++i) {
    handles.push_back(q.push(at_ns(1'000'000'000 + static_cast<std::int64_t>(i % 977) * 1'000), tagged(i)));
  }
  q.push(at_ns(5), tagged(99'999));
  for (std::size_t i = 0; i < handles.size(); i += 2) ASSERT_TRUE(q.cancel(handles[i]));
  EXPECT_EQ(q.tombstones(), 5'000U);
  EXPECT_EQ(q.index_size(), 10'001U);
  Time t;
  Payload p{};
  ASSERT_TRUE(q.pop(t, p));
  EXPECT_EQ(p.tag, 99'999U);
  EXPECT_EQ(q.tombstones(), 0U);
  EXPECT_EQ(q.index_size(), q.size());
  // Freed slots are reused: 5,000 more events need no new slot.
  const std::size_t bytes = q.memory_bytes();
  for (std::uint64_t i = 0; i < 5'000; ++i) q.push(at_ns(2'000'000'000), tagged(20'000 + i));
  EXPECT_EQ(q.memory_bytes(), bytes);
  std::vector<std::pair<std::int64_t, std::uint64_t>> want;
  for (std::uint64_t i = 1; i < 10'000; i += 2) want.emplace_back(1'000'000'000 + static_cast<std::int64_t>(i % 977) * 1'000, i);
  for (std::uint64_t i = 0; i < 5'000; ++i) want.emplace_back(2'000'000'000, 20'000 + i);
  expect_pops_in_push_order_by_time(q, want);
}

// The hint one event further than peek_top: with no push in between, it names the event popped
// the time after next (the ladder names its loaded batch; a heap names nothing), and it never
// changes what pops return. Each handled event schedules one more, as PHOLD does.
TEST(EventQueue, PeekAheadNamesTheEventAfterNext) {
  EventQueue<Payload> q;
  EventQueue<Payload, queue::BinaryHeap> reference;
  SmallRng rng(7);
  std::uint64_t tag = 0;
  auto push_both = [&](std::int64_t t) {
    q.push(at_ns(t), tagged(tag));
    reference.push(at_ns(t), tagged(tag));
    ++tag;
  };
  for (int i = 0; i < 5'000; ++i) push_both(static_cast<std::int64_t>(rng() % 1'000'000));
  std::size_t named = 0;
  std::size_t right = 0;
  for (int step = 0; step < 20'000; ++step) {
    Time t;
    Time t_ref;
    Payload p{};
    Payload p_ref{};
    ASSERT_TRUE(q.pop(t, p));
    ASSERT_TRUE(reference.pop(t_ref, p_ref));
    ASSERT_EQ(t, t_ref);
    ASSERT_EQ(p.tag, p_ref.tag);
    EXPECT_EQ(reference.peek_ahead(1), nullptr);
    const Payload* after = q.peek_ahead(1);
    const std::uint64_t expected_tag = after == nullptr ? 0 : after->tag;
    if (step % 2 == 0) {
      // No push before the next two pops: the hint must name the second.
      Payload skip{};
      Payload second{};
      ASSERT_TRUE(q.pop(t, skip));
      ASSERT_TRUE(reference.pop(t_ref, p_ref));
      ASSERT_EQ(skip.tag, p_ref.tag);
      ASSERT_TRUE(q.pop(t, second));
      ASSERT_TRUE(reference.pop(t_ref, p_ref));
      ASSERT_EQ(second.tag, p_ref.tag);
      if (after != nullptr) {
        ++named;
        if (expected_tag == second.tag) ++right;
      }
      push_both(t.ns() + static_cast<std::int64_t>(rng() % 1'000'000));
      push_both(t.ns() + static_cast<std::int64_t>(rng() % 1'000'000));
    }
    push_both(t.ns() + static_cast<std::int64_t>(rng() % 1'000'000));
  }
  EXPECT_EQ(right, named);
  EXPECT_GT(named, 5'000U);  // most of the time the batch knows
}

TEST(EventQueueDeathTest, PushIntoThePastAsserts) {
  EventQueue<Payload> q;
  q.push(at_ns(10), tagged(1));
  Time t;
  Payload p{};
  ASSERT_TRUE(q.pop(t, p));
  EXPECT_DEATH(q.push(at_ns(9), tagged(2)), "before the last popped event");
}
#endif

}  // namespace
}  // namespace clocksim::sim
