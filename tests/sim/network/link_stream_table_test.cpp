// LinkStreamTable: a full mesh's per-link streams, created on first use, kept across growth.
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "sim/network/link_stream_table.hpp"

namespace clocksim::sim {
namespace {

TEST(LinkStreamTable, CreatesAStreamOnceAndKeepsItsState) {
  LinkStreamTable table;
  int seeds_made = 0;
  auto seed = [&] {
    ++seeds_made;
    return std::uint64_t{42};
  };
  SmallRng reference(42);
  EXPECT_EQ(table.find_or_create(7, seed)(), reference());
  EXPECT_EQ(table.find_or_create(7, seed)(), reference());  // continues, not restarted
  EXPECT_EQ(seeds_made, 1);
  EXPECT_EQ(table.size(), 1u);
}

TEST(LinkStreamTable, LinkZeroIsAnOrdinaryLink) {
  LinkStreamTable table;
  SmallRng reference(5);
  EXPECT_EQ(table.find_or_create(0, [] { return std::uint64_t{5}; })(), reference());
  EXPECT_EQ(table.find_or_create(0, [] { return std::uint64_t{99}; })(), reference());
}

TEST(LinkStreamTable, GrowthKeepsEveryStreamWhereItWas) {
  // Many links, each advanced a link-dependent number of times, then the table grows many times
  // over: every stream must continue exactly where it stopped.
  LinkStreamTable table;
  const std::uint64_t links = 5000;
  auto link_of = [](std::uint64_t i) { return i * 1'000'003ULL; };  // spread out, collisions likely
  for (std::uint64_t i = 0; i < links; ++i) {
    SmallRng& s = table.find_or_create(link_of(i), [&] { return i; });
    for (std::uint64_t k = 0; k < i % 3; ++k) s();
  }
  EXPECT_EQ(table.size(), links);
  for (std::uint64_t i = 0; i < links; ++i) {
    SmallRng reference(i);
    for (std::uint64_t k = 0; k < i % 3; ++k) reference();
    ASSERT_EQ(table.find_or_create(link_of(i), [] { return std::uint64_t{0}; })(), reference()) << i;
  }
  EXPECT_EQ(table.size(), links);
  EXPECT_GE(table.memory_bytes(), 2 * links * 16);  // at most half full
}

}  // namespace
}  // namespace clocksim::sim
