#include "node/loop/timer_table.hpp"

#include <gtest/gtest.h>

namespace clocksim::node {
namespace {

MonoTime at(std::int64_t ns) { return MonoTime::from_ns(ns); }

TEST(TimerTable, FiresByDeadlineThenIdAndRearmReplaces) {
  TimerTable t;
  EXPECT_FALSE(t.next_deadline());
  t.arm(9, at(100));
  t.arm(3, at(100));
  t.arm(5, at(50));
  t.arm(7, at(500));
  t.arm(7, at(80));  // re-arming replaces
  EXPECT_EQ(t.size(), 4u);
  EXPECT_EQ(t.next_deadline(), at(50));
  EXPECT_FALSE(t.pop_due(at(49)));
  EXPECT_EQ(t.pop_due(at(1000)), 5u);
  EXPECT_EQ(t.pop_due(at(1000)), 7u);
  EXPECT_EQ(t.pop_due(at(1000)), 3u);  // equal deadlines: smaller id first
  EXPECT_EQ(t.pop_due(at(1000)), 9u);
  EXPECT_FALSE(t.pop_due(at(1000)));
}

TEST(TimerTable, CancelRemoves) {
  TimerTable t;
  t.arm(1, at(10));
  t.cancel(1);
  t.cancel(2);  // cancelling an unarmed timer is harmless
  EXPECT_FALSE(t.pop_due(at(100)));
  EXPECT_FALSE(t.next_deadline());
}

}  // namespace
}  // namespace clocksim::node
