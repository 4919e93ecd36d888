#include "sim/queue/slot_stack.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

namespace clocksim::sim::queue {
namespace {

TEST(SlotStack, LastFreedComesBackFirst) {
  SlotStack s;
  EXPECT_TRUE(s.empty());
  s.cover(3);
  s.push(2);
  s.push(0);
  s.push(1);
  EXPECT_EQ(s.size(), 3u);
  EXPECT_EQ(s.below_top(), 0u);
  EXPECT_EQ(s.pop(), 1u);
  EXPECT_EQ(s.pop(), 0u);
  EXPECT_EQ(s.pop(), 2u);
  EXPECT_TRUE(s.empty());
}

// Growing the array one slot at a time, with every slot freed at once afterwards: the room
// follows, and what was pushed before a growth survives it.
TEST(SlotStack, RoomFollowsTheArrayAcrossGrowth) {
  SlotStack s;
  std::vector<std::uint32_t> freed;
  for (std::uint32_t slots = 1; slots <= 1000; ++slots) {
    s.cover(slots);
    EXPECT_GE(s.capacity(), slots);
    if (slots % 3 == 0) {
      s.push(slots - 1);
      freed.push_back(slots - 1);
    }
  }
  for (std::uint32_t slot = 0; slot < 1000; ++slot) {
    if (slot % 3 != 2) {
      s.push(slot);
      freed.push_back(slot);
    }
  }
  EXPECT_EQ(s.size(), 1000u);
  for (auto it = freed.rbegin(); it != freed.rend(); ++it) EXPECT_EQ(s.pop(), *it);
  EXPECT_TRUE(s.empty());
}

TEST(SlotStack, CoverNeverShrinks) {
  SlotStack s;
  s.cover(100);
  const std::size_t room = s.capacity();
  s.cover(10);
  EXPECT_EQ(s.capacity(), room);
}

}  // namespace
}  // namespace clocksim::sim::queue
