#include "sim/queue/chunk_lists.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <vector>

namespace clocksim::sim::queue {
namespace {

struct Item {
  std::uint64_t a;
  std::uint32_t b;
};

std::vector<std::uint64_t> contents(const ChunkLists<Item>& pool, const ChunkLists<Item>::List& list) {
  std::vector<std::uint64_t> out;
  pool.walk(list, [&](const Item& it) { out.push_back(it.a); });
  std::sort(out.begin(), out.end());
  return out;
}

TEST(ChunkLists, ListsHoldWhatWasAppendedAcrossChunks) {
  ChunkLists<Item> pool;
  ChunkLists<Item>::List x, y;
  const std::uint32_t n = 3 * ChunkLists<Item>::kChunkEntries + 1;  // a partial newest chunk
  for (std::uint32_t i = 0; i < n; ++i) {
    pool.append(x, Item{i, 0});
    pool.append(y, Item{1000 + i, 0});
  }
  EXPECT_EQ(x.count, n);
  std::vector<std::uint64_t> want(n);
  for (std::uint32_t i = 0; i < n; ++i) want[i] = i;
  EXPECT_EQ(contents(pool, x), want);
  EXPECT_EQ(contents(pool, y).front(), 1000u);
  pool.release(x);
  EXPECT_EQ(x.count, 0u);
  EXPECT_TRUE(contents(pool, x).empty());
  EXPECT_EQ(contents(pool, y).size(), n);  // the other list is untouched
}

// Released chunks are taken again before the pool grows: memory follows what the lists hold.
TEST(ChunkLists, ReleasedChunksAreReused) {
  ChunkLists<Item> pool;
  ChunkLists<Item>::List x;
  for (int i = 0; i < 1000; ++i) pool.append(x, Item{static_cast<std::uint64_t>(i), 0});
  const std::size_t bytes = pool.memory_bytes();
  for (int round = 0; round < 50; ++round) {
    pool.release(x);
    ChunkLists<Item>::List y;
    for (int i = 0; i < 1000; ++i) pool.append(y, Item{static_cast<std::uint64_t>(i), 1});
    x = y;
  }
  EXPECT_EQ(pool.memory_bytes(), bytes);
}

// A walk may append to other lists, growing the pool, if it takes entries by value; in-place
// edits through a non-const walk stick.
TEST(ChunkLists, AWalkMayMoveEntriesToOtherListsAndEditThemInPlace) {
  std::mt19937_64 rng(7);
  ChunkLists<Item> pool;
  std::vector<ChunkLists<Item>::List> lists(8);
  std::vector<std::vector<std::uint64_t>> model(8);
  for (std::uint64_t i = 0; i < 500; ++i) {
    const std::size_t l = rng() % lists.size();
    pool.append(lists[l], Item{i, 0});
    model[l].push_back(i);
  }
  // Spread list 0 over the others by value, as the queues spread a crowded bucket.
  ChunkLists<Item>::List spilled = lists[0];
  lists[0] = {};
  pool.walk(spilled, [&](const Item it) { pool.append(lists[1 + it.a % 7], it); });
  for (const std::uint64_t v : model[0]) model[1 + v % 7].push_back(v);
  model[0].clear();
  pool.release(spilled);
  pool.walk(lists[3], [](Item& it) { it.a += 1'000'000; });
  for (std::uint64_t& v : model[3]) v += 1'000'000;
  for (std::size_t l = 0; l < lists.size(); ++l) {
    std::sort(model[l].begin(), model[l].end());
    EXPECT_EQ(contents(pool, lists[l]), model[l]) << "list " << l;
    EXPECT_EQ(lists[l].count, model[l].size());
  }
}

}  // namespace
}  // namespace clocksim::sim::queue
