// An implicit d-ary min-heap of entries ordered by their EventKey: one index policy of EventQueue.
//
// Entry is any trivially copyable struct with a member `EventKey key` (EventQueue stores just the
// 16-byte key). The root sits at physical index D-1, so the D children of logical node i (logical
// Di+1..Di+D) start at a multiple of D; with a 64-byte aligned buffer no sibling group straddles a
// cache line (16-byte keys: a binary pair is half a line, a 4-ary group exactly one line). A large
// heap sits on huge pages (memory/huge_page_allocator.hpp).
//
// Index policy interface (shared with the other policies, used by EventQueue):
//   push(entry), top(), pop(), size(), empty(), reserve(n), memory_bytes(),
//   remove_if(pred) -> removed count, rewrite_ids(f) with f order-preserving, for_each(f);
//   optional (EventQueue uses them when present): replace_top(entry), next_after_top().
#pragma once

#include <cassert>
#include <cstddef>
#include <type_traits>
#include <utility>
#include <vector>

#include "sim/memory/huge_page_allocator.hpp"
#include "sim/queue/event_key.hpp"

namespace clocksim::sim::queue {

template <unsigned D, class Entry>
class DaryHeap {
  static_assert(D >= 2);
  static_assert(std::is_trivially_copyable_v<Entry>);

 public:
  DaryHeap() : keys_(kRoot) {}

  std::size_t size() const { return keys_.size() - kRoot; }
  bool empty() const { return keys_.size() == kRoot; }
  void reserve(std::size_t n) { keys_.reserve(n + kRoot); }
  std::size_t memory_bytes() const { return keys_.capacity() * sizeof(Entry); }

  const Entry& top() const {
    assert(!empty());
    return keys_[kRoot];
  }

  void push(const Entry& key) {
    keys_.push_back(key);
    sift_up(size() - 1, key);
  }

  void pop() {
    assert(!empty());
    const Entry last = keys_.back();
    keys_.pop_back();
    if (!empty()) sift_down(0, last);
  }

  // pop() then push(key) in one sift: the new key takes the root's place and moves down. The
  // same set afterwards, so the same order of tops; one walk from the root instead of a walk
  // down plus a walk up from the last leaf.
  void replace_top(const Entry& key) {
    assert(!empty());
    sift_down(0, key);
  }

  // The entry that pop() would bring to the top (the smallest child of the root), or null.
  const Entry* next_after_top() const {
    const std::size_t best = next_index();
    return best == 0 ? nullptr : &at(best);
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
    for (std::size_t i = kRoot; i < keys_.size(); ++i) keys_[i].key.id = f(keys_[i].key.id);
  }

  template <class F>
  void for_each(F f) const {
    for (std::size_t i = kRoot; i < keys_.size(); ++i) f(keys_[i]);
  }

 private:
  static constexpr std::size_t kRoot = D - 1;

  static bool less(const Entry& a, const Entry& b) { return a.key < b.key; }

  Entry& at(std::size_t logical) { return keys_[logical + kRoot]; }

  // Logical index of the smallest child of the root, 0 if there is none.
  std::size_t next_index() const {
    const std::size_t n = size();
    if (n < 2) return 0;
    std::size_t best = 1;
    for (std::size_t c = 2; c <= D && c < n; ++c) best = less(at(c), at(best)) ? c : best;
    return best;
  }
  const Entry& at(std::size_t logical) const { return keys_[logical + kRoot]; }

  void sift_up(std::size_t i, const Entry key) {
    while (i > 0) {
      const std::size_t parent = (i - 1) / D;
      if (!less(key, at(parent))) break;
      at(i) = at(parent);
      i = parent;
    }
    at(i) = key;
  }

  // Index of the smallest of the D children starting at `first` (all present). A tournament of
  // independent comparisons rather than a chain; each one branches (event_key.hpp says why a
  // branch beats a conditional move once the heap outgrows the cache).
  std::size_t min_child_full(std::size_t first) {
    if constexpr (D == 2) {
      return less(at(first + 1), at(first)) ? first + 1 : first;
    } else if constexpr (D == 4) {
      const std::size_t a = less(at(first + 1), at(first)) ? first + 1 : first;
      const std::size_t b = less(at(first + 3), at(first + 2)) ? first + 3 : first + 2;
      return less(at(b), at(a)) ? b : a;
    } else {
      std::size_t best = first;
      for (std::size_t c = first + 1; c < first + D; ++c) best = less(at(c), at(best)) ? c : best;
      return best;
    }
  }

  // Moves the hole at i down to where `key` belongs, bottom-up (Wegener's bottom-up heapsort, as
  // libstdc++'s __adjust_heap does): first walk the hole to a leaf along the smallest children
  // without comparing against `key`, then sift `key` up from there. The key re-inserted by pop()
  // is the former last leaf, which almost always belongs near the bottom, so this saves one
  // comparison per level.
  void sift_down(std::size_t i, const Entry key) {
    const std::size_t top = i;
    const std::size_t n = size();
    for (;;) {
      const std::size_t first = D * i + 1;
      std::size_t best;
      if (first + D <= n) {
        best = min_child_full(first);
      } else if (first < n) {
        best = first;
        for (std::size_t c = first + 1; c < n; ++c) best = less(at(c), at(best)) ? c : best;
      } else {
        break;
      }
      at(i) = at(best);
      i = best;
    }
    while (i > top) {
      const std::size_t parent = (i - 1) / D;
      if (!less(key, at(parent))) break;
      at(i) = at(parent);
      i = parent;
    }
    at(i) = key;
  }

  void heapify() {
    const std::size_t n = size();
    if (n < 2) return;
    for (std::size_t i = (n - 2) / D + 1; i-- > 0;) sift_down(i, at(i));
  }

  std::vector<Entry, memory::HugePageAllocator<Entry>> keys_;
};

template <class Entry>
using BinaryHeap = DaryHeap<2, Entry>;
template <class Entry>
using QuaternaryHeap = DaryHeap<4, Entry>;

}  // namespace clocksim::sim::queue
