// An implicit d-ary min-heap of EventKeys: one index policy of EventQueue.
//
// The root sits at physical index D-1, so the D children of logical node i (logical 4i+1..4i+4
// for D = 4) start at a multiple of D; with 16-byte keys and a 64-byte aligned buffer, the four
// children of a 4-ary node are exactly one cache line, and a sift-down touches one line per level
// over log4(n) levels instead of log2(n) for the binary heap.
//
// Index policy interface (shared with the other policies, used by EventQueue):
//   push(key), top(), pop(), size(), empty(), reserve(n), memory_bytes(),
//   remove_if(pred) -> removed count, rewrite_ids(f) with f order-preserving, for_each(f).
#pragma once

#include <cassert>
#include <cstddef>
#include <utility>
#include <vector>

#include "sim/queue/cache_aligned_allocator.hpp"
#include "sim/queue/event_key.hpp"

namespace clocksim::sim::queue {

template <unsigned D>
class DaryHeap {
  static_assert(D >= 2);

 public:
  DaryHeap() : keys_(kRoot) {}

  std::size_t size() const { return keys_.size() - kRoot; }
  bool empty() const { return keys_.size() == kRoot; }
  void reserve(std::size_t n) { keys_.reserve(n + kRoot); }
  std::size_t memory_bytes() const { return keys_.capacity() * sizeof(EventKey); }

  const EventKey& top() const {
    assert(!empty());
    return keys_[kRoot];
  }

  void push(const EventKey& key) {
    keys_.push_back(key);
    sift_up(size() - 1, key);
  }

  void pop() {
    assert(!empty());
    const EventKey last = keys_.back();
    keys_.pop_back();
    if (!empty()) sift_down(0, last);
  }

  // Removes every key for which pred(key) holds, then rebuilds the heap (Floyd, O(n)).
  template <class Pred>
  std::size_t remove_if(Pred pred) {
    std::size_t kept = kRoot;
    for (std::size_t i = kRoot; i < keys_.size(); ++i) {
      if (!pred(keys_[i])) keys_[kept++] = keys_[i];
    }
    const std::size_t removed = keys_.size() - kept;
    keys_.resize(kept);
    heapify();
    return removed;
  }

  // f must preserve the relative order of ids (the queue renumbers sequences), so the heap
  // property still holds afterwards.
  template <class F>
  void rewrite_ids(F f) {
    for (std::size_t i = kRoot; i < keys_.size(); ++i) keys_[i].id = f(keys_[i].id);
  }

  template <class F>
  void for_each(F f) const {
    for (std::size_t i = kRoot; i < keys_.size(); ++i) f(keys_[i]);
  }

 private:
  static constexpr std::size_t kRoot = D - 1;

  EventKey& at(std::size_t logical) { return keys_[logical + kRoot]; }

  void sift_up(std::size_t i, const EventKey key) {
    while (i > 0) {
      const std::size_t parent = (i - 1) / D;
      if (!(key < at(parent))) break;
      at(i) = at(parent);
      i = parent;
    }
    at(i) = key;
  }

  // Moves the hole at i down to where `key` belongs.
  void sift_down(std::size_t i, const EventKey key) {
    const std::size_t n = size();
    for (;;) {
      const std::size_t first = D * i + 1;
      if (first >= n) break;
      std::size_t best = first;
      if (first + D <= n) {
        // Full sibling group (the common case): no bounds checks.
        for (std::size_t c = first + 1; c < first + D; ++c) {
          if (at(c) < at(best)) best = c;
        }
      } else {
        for (std::size_t c = first + 1; c < n; ++c) {
          if (at(c) < at(best)) best = c;
        }
      }
      if (!(at(best) < key)) break;
      at(i) = at(best);
      i = best;
    }
    at(i) = key;
  }

  void heapify() {
    const std::size_t n = size();
    if (n < 2) return;
    for (std::size_t i = (n - 2) / D + 1; i-- > 0;) sift_down(i, at(i));
  }

  std::vector<EventKey, CacheAlignedAllocator<EventKey>> keys_;
};

using BinaryHeap = DaryHeap<2>;
using QuaternaryHeap = DaryHeap<4>;

}  // namespace clocksim::sim::queue
