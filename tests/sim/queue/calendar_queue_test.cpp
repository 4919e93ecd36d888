#include "sim/queue/calendar_queue.hpp"

#include <gtest/gtest.h>

#include <cstdint>

namespace clocksim::sim::queue {
namespace {

struct Entry {
  EventKey key;
};

// A dense burst sets narrow windows; once it has drained, the remaining events are far apart. The
// queue must notice the empty windows it scans and widen them, instead of scanning a whole year
// on every pop.
TEST(CalendarQueue, WidensWindowsAfterADenseBurstDrains) {
  CalendarQueue<Entry> q;
  std::uint64_t id = 0;
  for (int i = 0; i < 20'000; ++i) q.push(Entry{{i, id++}});                        // 1 ns apart
  for (std::int64_t i = 1; i <= 20'000; ++i) q.push(Entry{{i * 3'600'000'000, id++}});  // 3.6 s apart
  std::int64_t last = -1;
  std::uint64_t pops = 0;
  while (!q.empty()) {
    ASSERT_GE(q.top().key.time_ns, last);
    last = q.top().key.time_ns;
    q.pop();
    ++pops;
  }
  EXPECT_EQ(pops, 40'000U);
  EXPECT_LT(q.windows_skipped_total(), 50 * pops);
}

// One instant shared by many events (every node ticking at once) stays FIFO and cheap.
TEST(CalendarQueue, StormAtOneInstantIsFifo) {
  CalendarQueue<Entry> q;
  for (std::uint64_t i = 0; i < 10'000; ++i) q.push(Entry{{1'000, i}});
  q.push(Entry{{5, 99'999}});
  EXPECT_EQ(q.top().key.id, 99'999U);
  q.pop();
  for (std::uint64_t i = 0; i < 10'000; ++i) {
    ASSERT_EQ(q.top().key.id, i);
    q.pop();
  }
  EXPECT_TRUE(q.empty());
}

}  // namespace
}  // namespace clocksim::sim::queue
