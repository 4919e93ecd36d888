// A std::allocator look-alike for the engine's large arrays that are read at random (the event
// heap, the event slots, the messages in flight, the nodes; a full mesh's link streams use a
// ZeroedMapping, below, which can grow in place): blocks of
// 16 MiB or more are anonymous mappings aligned to 2 MiB and offered to the kernel for transparent
// huge pages; smaller blocks come from operator new, aligned to a cache line.
//
// Why: at 10^5+ nodes these arrays span hundreds of MiB and every random access is a TLB miss as
// well as a cache miss. A page walk is not hidden by a software prefetch the way a cache miss is,
// and each first touch of a 4 KiB page is a page fault; 2 MiB pages cut both by 512x. The advice
// is only a hint: where the kernel says no (THP "never"), the block behaves as ordinary memory.
// Why only from 16 MiB: a huge page is resident as a whole once touched, so a block can hold up to
// one page (the one its used part ends in, or the start of a reserve) more than it uses; from
// 16 MiB that is at most an eighth, and an idle world's smaller arrays stay as small as they were.
// Contents and addresses never reach the simulation's results: only speed depends on it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <new>
#include <utility>

#include <sys/mman.h>

namespace clocksim::sim::memory {

inline constexpr std::size_t kCacheLineBytes = 64;
inline constexpr std::size_t kHugePageBytes = std::size_t{2} << 20;
inline constexpr std::size_t kHugeBlockMinBytes = std::size_t{16} << 20;

inline constexpr std::size_t round_up_to_huge_page(std::size_t bytes) {
  return (bytes + kHugePageBytes - 1) & ~(kHugePageBytes - 1);
}

// A mapping of `bytes` (a multiple of kHugePageBytes) at a kHugePageBytes boundary, advised for
// huge pages; released with unmap_huge(p, bytes).
inline void* map_huge(std::size_t bytes) {
  const std::size_t padded = bytes + kHugePageBytes;
  void* raw = mmap(nullptr, padded, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (raw == MAP_FAILED) throw std::bad_alloc();
  const auto start = reinterpret_cast<std::uintptr_t>(raw);
  const std::uintptr_t aligned = (start + kHugePageBytes - 1) & ~std::uintptr_t{kHugePageBytes - 1};
  // Give back the unaligned head and the tail, so that the block is exactly [aligned, +bytes).
  if (aligned > start) munmap(raw, aligned - start);
  const std::uintptr_t end = start + padded;
  if (end > aligned + bytes) munmap(reinterpret_cast<void*>(aligned + bytes), end - (aligned + bytes));
  void* p = reinterpret_cast<void*>(aligned);
#ifdef MADV_HUGEPAGE
  madvise(p, bytes, MADV_HUGEPAGE);  // a hint: refused, the block works the same with 4 KiB pages
#endif
  return p;
}

inline void unmap_huge(void* p, std::size_t bytes) noexcept { munmap(p, bytes); }

// An owned anonymous mapping of zeroed memory, whose pages become resident only as they are first
// written (a table that stays mostly unwritten costs what is written); on huge pages if asked and
// at least one fits, at a 2 MiB boundary.
class ZeroedMapping {
 public:
  ZeroedMapping() = default;
  ZeroedMapping(std::size_t bytes, bool huge_pages) : huge_pages_(huge_pages) {
    if (bytes == 0) return;
    if (huge_pages && bytes >= kHugePageBytes) {
      bytes_ = round_up_to_huge_page(bytes);
      p_ = map_huge(bytes_);
      return;
    }
    bytes_ = round_up_to_page(bytes);
    void* p = mmap(nullptr, bytes_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) throw std::bad_alloc();
    p_ = p;
  }
  ZeroedMapping(ZeroedMapping&& o) noexcept : p_(o.p_), bytes_(o.bytes_), huge_pages_(o.huge_pages_) {
    o.p_ = nullptr;
  }
  ZeroedMapping& operator=(ZeroedMapping&& o) noexcept {
    std::swap(p_, o.p_);
    std::swap(bytes_, o.bytes_);
    std::swap(huge_pages_, o.huge_pages_);
    return *this;
  }
  ZeroedMapping(const ZeroedMapping&) = delete;
  ZeroedMapping& operator=(const ZeroedMapping&) = delete;
  ~ZeroedMapping() {
    if (p_ != nullptr) munmap(p_, bytes_);
  }

  void* data() const { return p_; }  // page-aligned (2 MiB-aligned on huge pages, until grow())

  // Extends the mapping to `bytes` (more than now), keeping its contents: the pages written stay
  // as they are (no copy, no clearing) and the new part is zeroed memory like the rest. It may
  // move: data() changes. Advised for huge pages if they were asked for and one fits (the base
  // may then no longer sit at a 2 MiB boundary: the pages in between stay small).
  void grow(std::size_t bytes) {
    if (p_ == nullptr) {
      *this = ZeroedMapping(bytes, huge_pages_);
      return;
    }
    const bool huge = huge_pages_ && bytes >= kHugePageBytes;
    bytes = huge ? round_up_to_huge_page(bytes) : round_up_to_page(bytes);
    if (bytes <= bytes_) return;
    void* p = mremap(p_, bytes_, bytes, MREMAP_MAYMOVE);
    if (p == MAP_FAILED) throw std::bad_alloc();
    p_ = p;
    bytes_ = bytes;
#ifdef MADV_HUGEPAGE
    if (huge) madvise(p_, bytes_, MADV_HUGEPAGE);  // a hint, as in map_huge
#endif
  }

 private:
  static constexpr std::size_t kPageBytes = 4096;
  static constexpr std::size_t round_up_to_page(std::size_t bytes) { return (bytes + kPageBytes - 1) & ~(kPageBytes - 1); }

  void* p_ = nullptr;
  std::size_t bytes_ = 0;
  bool huge_pages_ = false;
};

template <class T>
struct HugePageAllocator {
  using value_type = T;
  HugePageAllocator() = default;
  template <class U>
  constexpr HugePageAllocator(const HugePageAllocator<U>&) noexcept {}

  T* allocate(std::size_t n) {
    if (n > static_cast<std::size_t>(-1) / sizeof(T)) throw std::bad_array_new_length();
    const std::size_t bytes = n * sizeof(T);
    if (bytes >= kHugeBlockMinBytes) return static_cast<T*>(map_huge(round_up_to_huge_page(bytes)));
    return static_cast<T*>(::operator new(bytes, std::align_val_t{kCacheLineBytes}));
  }
  // n is the count given to allocate (the allocator requirements), so it tells which kind of block.
  void deallocate(T* p, std::size_t n) noexcept {
    const std::size_t bytes = n * sizeof(T);
    if (bytes >= kHugeBlockMinBytes) {
      unmap_huge(p, round_up_to_huge_page(bytes));
    } else {
      ::operator delete(p, std::align_val_t{kCacheLineBytes});
    }
  }

  template <class U>
  friend constexpr bool operator==(const HugePageAllocator&, const HugePageAllocator<U>&) {
    return true;
  }
};

}  // namespace clocksim::sim::memory
