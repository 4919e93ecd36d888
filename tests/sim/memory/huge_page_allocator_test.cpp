// HugePageAllocator: large blocks are 2 MiB-aligned mappings, small ones cache-line aligned heap
// blocks; either kind holds what is written to it, survives a vector's growth across the size
// where the kind changes, and is released through the matching path (ASan checks the heap side).
// ZeroedMapping: zeroed, page- or 2 MiB-aligned, owned (a move hands the mapping over).
#include "sim/memory/huge_page_allocator.hpp"

#include <gtest/gtest.h>


#include <cstdint>
#include <utility>
#include <vector>

namespace clocksim::sim::memory {
namespace {

struct Item {
  std::uint64_t a;
  std::uint64_t b;
};

std::uintptr_t address(const void* p) { return reinterpret_cast<std::uintptr_t>(p); }

TEST(HugePageAllocator, SmallBlocksAreCacheLineAligned) {
  HugePageAllocator<Item> alloc;
  for (std::size_t n : {1u, 3u, 100u, 4096u}) {
    Item* p = alloc.allocate(n);
    EXPECT_EQ(address(p) % kCacheLineBytes, 0u) << n;
    p[n - 1] = Item{n, n};
    EXPECT_EQ(p[n - 1].a, n);
    alloc.deallocate(p, n);
  }
}

TEST(HugePageAllocator, LargeBlocksAreHugePageAlignedAndWritableToTheLastByte) {
  HugePageAllocator<Item> alloc;
  // Just at the threshold, and one that is not a multiple of the huge page size.
  for (std::size_t bytes : {kHugeBlockMinBytes, kHugeBlockMinBytes + 3 * sizeof(Item) + kHugePageBytes / 2}) {
    const std::size_t n = bytes / sizeof(Item);
    Item* p = alloc.allocate(n);
    EXPECT_EQ(address(p) % kHugePageBytes, 0u) << n;
    for (std::size_t i = 0; i < n; i += 4096) p[i] = Item{i, ~i};
    p[n - 1] = Item{n, ~n};
    for (std::size_t i = 0; i < n; i += 4096) ASSERT_EQ(p[i].b, ~i);
    EXPECT_EQ(p[n - 1].a, n);
    alloc.deallocate(p, n);
  }
}

TEST(HugePageAllocator, AVectorKeepsItsContentsWhileGrowingIntoHugePages) {
  std::vector<std::uint32_t, HugePageAllocator<std::uint32_t>> v;
  const std::size_t n = 3 * kHugeBlockMinBytes / sizeof(std::uint32_t);  // crosses the threshold
  for (std::size_t i = 0; i < n; ++i) v.push_back(static_cast<std::uint32_t>(i * 2654435761u));
  for (std::size_t i = 0; i < n; i += 997) ASSERT_EQ(v[i], static_cast<std::uint32_t>(i * 2654435761u));
  EXPECT_EQ(address(v.data()) % kHugePageBytes, 0u);
  v.resize(10);
  v.shrink_to_fit();  // back to a heap block
  EXPECT_EQ(v[9], static_cast<std::uint32_t>(9 * 2654435761u));
}

TEST(HugePageAllocator, AnImpossibleSizeThrowsInsteadOfWrapping) {
  HugePageAllocator<Item> alloc;
  EXPECT_THROW((void)alloc.allocate(static_cast<std::size_t>(-1) / 2), std::bad_array_new_length);
}

TEST(ZeroedMapping, IsZeroedAlignedAndWritable) {
  for (const bool huge : {false, true}) {
    for (std::size_t bytes : {std::size_t{100}, kHugePageBytes - 64, kHugePageBytes + 4096, 3 * kHugePageBytes}) {
      ZeroedMapping m(bytes, huge);
      auto* p = static_cast<unsigned char*>(m.data());
      ASSERT_NE(p, nullptr);
      const std::size_t alignment = huge && bytes >= kHugePageBytes ? kHugePageBytes : 4096;
      EXPECT_EQ(address(p) % alignment, 0u) << bytes << " huge " << huge;
      for (std::size_t i = 0; i < bytes; i += 1000) ASSERT_EQ(p[i], 0) << i;
      EXPECT_EQ(p[bytes - 1], 0);
      p[0] = 1;
      p[bytes - 1] = 2;
      EXPECT_EQ(p[bytes - 1], 2);
    }
  }
}

TEST(ZeroedMapping, AMoveHandsTheMappingOver) {
  ZeroedMapping a(8192, false);
  static_cast<unsigned char*>(a.data())[5] = 7;
  ZeroedMapping b(std::move(a));
  EXPECT_EQ(a.data(), nullptr);  // NOLINT(bugprone-use-after-move): the moved-from state is the point
  ASSERT_NE(b.data(), nullptr);
  EXPECT_EQ(static_cast<unsigned char*>(b.data())[5], 7);
  ZeroedMapping c;
  c = std::move(b);
  EXPECT_EQ(static_cast<unsigned char*>(c.data())[5], 7);
  EXPECT_EQ(ZeroedMapping(0, true).data(), nullptr);
}

// Growing in place keeps what was written and adds zeroed memory, from a page to past several
// huge pages, with and without huge pages asked for, and from nothing.
TEST(ZeroedMapping, GrowKeepsTheContentsAndZeroesTheRest) {
  for (const bool huge : {false, true}) {
    ZeroedMapping m(0, huge);
    std::size_t written = 0;  // every 509th byte below this holds its pattern
    const auto pattern = [](std::size_t i) { return static_cast<unsigned char>(i % 251 + 1); };
    for (const std::size_t next : {std::size_t{100}, std::size_t{5000}, kHugePageBytes - 64, kHugePageBytes + 4096,
                                   3 * kHugePageBytes, 7 * kHugePageBytes + 1}) {
      m.grow(next);
      auto* p = static_cast<unsigned char*>(m.data());
      ASSERT_NE(p, nullptr);
      EXPECT_EQ(address(p) % 4096, 0u);
      std::size_t i = 0;
      for (; i < written; i += 509) ASSERT_EQ(p[i], pattern(i)) << i << " huge " << huge;
      const std::size_t first_new = i;
      for (; i < next; i += 509) ASSERT_EQ(p[i], 0) << i << " huge " << huge;
      EXPECT_EQ(p[next - 1], 0);
      for (i = first_new; i < next; i += 509) p[i] = pattern(i);
      written = next;
    }
  }
}

}  // namespace
}  // namespace clocksim::sim::memory
