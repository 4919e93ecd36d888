// A std::allocator look-alike whose blocks start on a 64-byte boundary, so that a d-ary heap can
// place each group of siblings in one cache line.
#pragma once

#include <cstddef>
#include <new>

namespace clocksim::sim::queue {

inline constexpr std::size_t kCacheLineBytes = 64;

template <class T>
struct CacheAlignedAllocator {
  using value_type = T;
  CacheAlignedAllocator() = default;
  template <class U>
  constexpr CacheAlignedAllocator(const CacheAlignedAllocator<U>&) noexcept {}

  T* allocate(std::size_t n) {
    return static_cast<T*>(::operator new(n * sizeof(T), std::align_val_t{kCacheLineBytes}));
  }
  void deallocate(T* p, std::size_t) noexcept { ::operator delete(p, std::align_val_t{kCacheLineBytes}); }

  template <class U>
  friend constexpr bool operator==(const CacheAlignedAllocator&, const CacheAlignedAllocator<U>&) {
    return true;
  }
};

}  // namespace clocksim::sim::queue
