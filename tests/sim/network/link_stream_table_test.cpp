// LinkStreamTable: a full mesh's per-link streams, created on first use, kept across growth,
// whether a link's first use goes through a sender's filter and the insert batch or not.
#include <gtest/gtest.h>

#include <cstdint>
#include <unordered_map>
#include <vector>

#include "sim/network/link_stream_table.hpp"

namespace clocksim::sim {
namespace {

TEST(LinkStreamTable, CreatesAStreamOnceAndKeepsItsState) {
  for (std::uint32_t senders : {0u, 4u}) {  // without and with filters
    LinkStreamTable table(senders);
    int seeds_made = 0;
    auto seed = [&] {
      ++seeds_made;
      return std::uint64_t{42};
    };
    SmallRng reference(42);
    EXPECT_EQ(table.find_or_create(1, 7, seed)(), reference());
    EXPECT_EQ(table.find_or_create(1, 7, seed)(), reference());  // continues, not restarted
    EXPECT_EQ(table.find_or_create(1, 7, seed)(), reference());
    EXPECT_EQ(seeds_made, 1);
    EXPECT_EQ(table.size(), 1u);
  }
}

TEST(LinkStreamTable, LinkZeroIsAnOrdinaryLink) {
  LinkStreamTable table(1);
  SmallRng reference(5);
  EXPECT_EQ(table.find_or_create(0, 0, [] { return std::uint64_t{5}; })(), reference());
  EXPECT_EQ(table.find_or_create(0, 0, [] { return std::uint64_t{99}; })(), reference());
}

TEST(LinkStreamTable, GrowthKeepsEveryStreamWhereItWas) {
  // Many links, each advanced a link-dependent number of times, then the table grows many times
  // over: every stream must continue exactly where it stopped.
  LinkStreamTable table;
  const std::uint64_t links = 5000;
  auto link_of = [](std::uint64_t i) { return i * 1'000'003ULL; };  // spread out, collisions likely
  for (std::uint64_t i = 0; i < links; ++i) {
    SmallRng& s = table.find_or_create(0, link_of(i), [&] { return i; });
    for (std::uint64_t k = 0; k < i % 3; ++k) s();
  }
  EXPECT_EQ(table.size(), links);
  for (std::uint64_t i = 0; i < links; ++i) {
    SmallRng reference(i);
    for (std::uint64_t k = 0; k < i % 3; ++k) reference();
    ASSERT_EQ(table.find_or_create(0, link_of(i), [] { return std::uint64_t{0}; })(), reference()) << i;
  }
  EXPECT_EQ(table.size(), links);
  EXPECT_GE(3 * table.memory_bytes(), 4 * links * 16);  // at most three quarters full
}

// The table doubles in place, so the clusters that wrap from its end to its start are the hard
// case: links whose homes sit at the end of every table up to 1024 slots (their hash's low ten
// bits all at least 1000), mixed with ordinary ones, through six doublings. Every stream must
// be found where it was, none created twice.
TEST(LinkStreamTable, GrowthInPlaceKeepsClustersThatWrapAround) {
  std::vector<std::uint64_t> links;
  for (std::uint64_t link = 0; links.size() < 700; ++link) {
    if ((mix64(link + 1) & 1023) >= 1000 || link % 3 == 0) links.push_back(link);
  }
  LinkStreamTable table;
  for (std::size_t n = 0; n < links.size(); ++n) {
    SmallRng& s = table.find_or_create(0, links[n], [&] { return links[n] * 7 + 1; });
    s();
    // After each insert, every link so far is found with its stream one draw in.
    if (n % 37 == 0 || n + 1 == links.size()) {
      for (std::size_t k = 0; k <= n; ++k) {
        SmallRng copy = table.find_or_create(0, links[k], [] { return std::uint64_t{0}; });
        SmallRng reference(links[k] * 7 + 1);
        reference();
        ASSERT_EQ(copy(), reference()) << "link " << links[k] << " after " << n << " inserts";
      }
      ASSERT_EQ(table.size(), n + 1);
    }
  }
}

// The adversary of the filter: random senders and links, many first uses (each proven new by a
// filter and batched), links reused at once (inside the pending batch) and much later, senders
// whose filters fill up (every test positive), senders without a filter, and a varying number of
// draws per use. Every draw must equal that of a plain map from link to stream.
TEST(LinkStreamTable, DrawsMatchAPlainMapUnderRandomTraffic) {
  for (std::uint32_t nodes : {3u, 50u, 2000u}) {
    const std::uint32_t with_filters = nodes - 1;  // the last node has none
    LinkStreamTable table(with_filters);
    std::unordered_map<std::uint64_t, SmallRng> reference;
    SmallRng dice(nodes);
    std::vector<std::uint64_t> used;
    std::uint64_t seeds_made = 0;
    for (int step = 0; step < 200'000; ++step) {
      std::uint32_t from = static_cast<std::uint32_t>(dice() % nodes);
      std::uint32_t to = static_cast<std::uint32_t>(dice() % nodes);
      // A third of the uses repeat a link used before, some of them the one just used.
      if (!used.empty() && dice() % 3 == 0) {
        const std::uint64_t link = dice() % 4 == 0 ? used.back() : used[dice() % used.size()];
        from = static_cast<std::uint32_t>(link / nodes);
        to = static_cast<std::uint32_t>(link % nodes);
      }
      // Node 0 talks to few peers (its filter stays sparse), node 1 to everyone (saturated).
      if (from == 0) to %= 4;
      const std::uint64_t link = std::uint64_t{from} * nodes + to;
      const std::uint64_t seed = mix64(link ^ 0xABCDEF);
      auto [it, fresh] = reference.try_emplace(link, seed);
      if (fresh) used.push_back(link);
      SmallRng& s = table.find_or_create(from, link, [&] {
        ++seeds_made;
        return seed;
      });
      const int draws = 1 + static_cast<int>(dice() % 3);
      for (int k = 0; k < draws; ++k) ASSERT_EQ(s(), it->second()) << "nodes " << nodes << " step " << step;
    }
    EXPECT_EQ(seeds_made, reference.size());
    EXPECT_EQ(table.size(), reference.size());
  }
}

TEST(LinkStreamTable, AMeshThatSendsNothingAllocatesNothing) {
  LinkStreamTable table(1'000'000);
  table.prefetch_sender(5);  // a hint before any use: no effect
  EXPECT_EQ(table.memory_bytes(), 0u);
  SmallRng reference(3);
  EXPECT_EQ(table.find_or_create(999'999, 12, [] { return std::uint64_t{3}; })(), reference());
  EXPECT_GE(table.memory_bytes(), std::size_t{1'000'000} * 64);  // one filter line per sender, mapped on demand
}

}  // namespace
}  // namespace clocksim::sim
