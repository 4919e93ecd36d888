#include "node/loop/timer_table.hpp"

#include <gtest/gtest.h>

namespace clocksim::node {
namespace {

TEST(TimerTable, FiresByDeadlineThenIdAndRearmReplaces) {
  TimerTable t;
  EXPECT_FALSE(t.next_deadline());
  t.arm(9, 100);
  t.arm(3, 100);
  t.arm(5, 50);
  t.arm(7, 500);
  t.arm(7, 80);  // re-arming replaces
  EXPECT_EQ(t.size(), 4u);
  EXPECT_EQ(t.next_deadline(), 50);
  EXPECT_FALSE(t.pop_due(49));
  EXPECT_EQ(t.pop_due(1000), 5u);
  EXPECT_EQ(t.pop_due(1000), 7u);
  EXPECT_EQ(t.pop_due(1000), 3u);  // equal deadlines: smaller id first
  EXPECT_EQ(t.pop_due(1000), 9u);
  EXPECT_FALSE(t.pop_due(1000));
}

TEST(TimerTable, CancelRemoves) {
  TimerTable t;
  t.arm(1, 10);
  t.cancel(1);
  t.cancel(2);  // cancelling an unarmed timer is harmless
  EXPECT_FALSE(t.pop_due(100));
  EXPECT_FALSE(t.next_deadline());
}

}  // namespace
}  // namespace clocksim::node
