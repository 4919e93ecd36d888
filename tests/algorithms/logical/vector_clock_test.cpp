#include "algorithms/logical/vector_clock.hpp"

#include <gtest/gtest.h>

#include <limits>

namespace clocksim::logical {
namespace {

// Lamport 1978, IR2: a receive moves past the message's timestamp.
TEST(LamportClock, TicksAndJumpsPastReceivedStamps) {
  LamportClock c;
  EXPECT_EQ(c.tick(), 1u);
  EXPECT_EQ(c.receive(7), 8u);
  EXPECT_EQ(c.receive(3), 9u);  // an older stamp still counts as an event
}

// Stamps travel as int64: a clock stays at the end of that range instead of leaving it.
TEST(LamportClock, SaturatesAtTheEndOfTheInt64Range) {
  constexpr std::uint64_t kEnd = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  LamportClock c;
  EXPECT_EQ(c.receive(kEnd - 1), kEnd);
  EXPECT_EQ(c.tick(), kEnd);
  EXPECT_EQ(c.receive(kEnd), kEnd);
  VectorClock v(2, 0);
  v.receive({kEnd, kEnd});
  EXPECT_EQ(v.entries(), (std::vector<std::uint64_t>{kEnd, kEnd}));
  v.tick();
  EXPECT_EQ(v.entries(), (std::vector<std::uint64_t>{kEnd, kEnd}));
}

TEST(VectorClock, MergeIsEntrywiseMaxThenTick) {
  VectorClock v(3, 1);
  v.tick();
  v.receive({4, 0, 2});
  EXPECT_EQ(v.entries(), (std::vector<std::uint64_t>{4, 2, 2}));
}

TEST(VectorClock, CompareGivesTheFourRelations) {
  EXPECT_EQ(compare({1, 0}, {1, 1}), Causality::kBefore);
  EXPECT_EQ(compare({2, 1}, {1, 1}), Causality::kAfter);
  EXPECT_EQ(compare({1, 1}, {1, 1}), Causality::kEqual);
  EXPECT_EQ(compare({2, 0}, {1, 1}), Causality::kConcurrent);
}

}  // namespace
}  // namespace clocksim::logical
