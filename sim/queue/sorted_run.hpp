// The ladder queue's near part: the bucket it works through, sorted once, plus a small heap for
// what arrives meanwhile out of order.
//
// Why not a heap alone: a bucket of k entries moved into a binary heap costs k pushes and k pops
// of about log k levels each, and the comparisons of a sift mispredict about half the time on
// random keys. Sorting the k entries once costs fewer comparisons, and a pop from the sorted run
// is then an index increment. A push lands at the run's end when it is not smaller than the
// run's last entry (a later time, or the same instant pushed later: storms of one instant, and
// most replies due after everything in the bucket); anything else goes to the side heap, which
// the handlers' pushes into the current bucket keep small. The top is the smaller of the run's
// head and the heap's top, so the order is exactly the keys' order, as with a heap alone.
//
// Index policy interface (as DaryHeap): push, top, pop, size, empty, replace_top,
// next_after_top, remove_if, rewrite_ids (order-preserving), for_each, memory_bytes; plus
// load(), which fills an empty run from entries in any order.
#pragma once

#include <algorithm>
#include <cassert>
#include <cstddef>
#include <span>
#include <type_traits>
#include <vector>

#include "sim/queue/dary_heap.hpp"
#include "sim/queue/event_key.hpp"

namespace clocksim::sim::queue {

template <class Entry>
class SortedRun {
  static_assert(std::is_trivially_copyable_v<Entry>);

 public:
  std::size_t size() const { return run_.size() - head_ + side_.size(); }
  bool empty() const { return head_ == run_.size() && side_.empty(); }
  std::size_t memory_bytes() const { return run_.capacity() * sizeof(Entry) + side_.memory_bytes(); }

  // Replaces the (empty) contents with the entries `walk` hands to its callback, in any order.
  template <class Walk>
  void load(std::size_t count, Walk&& walk) {
    assert(empty());
    head_ = 0;
    // `count` bounds what the walk hands over: stores through a pointer, without push_back's
    // capacity test per entry; the surplus is cut off after.
    run_.resize(count);
    Entry* out = run_.data();
    walk([&out](const Entry& e) { *out++ = e; });
    run_.resize(static_cast<std::size_t>(out - run_.data()));
    std::sort(run_.begin(), run_.end(), [](const Entry& a, const Entry& b) { return a.key < b.key; });
  }

  const Entry& top() const {
    assert(!empty());
    return from_run() ? run_[head_] : side_.top();
  }

  void pop() {
    assert(!empty());
    if (from_run()) {
      ++head_;
    } else {
      side_.pop();
    }
  }

  void push(const Entry& e) {
    if (head_ == run_.size()) {
      // The run is used up: start it again here (the side heap may still hold smaller keys).
      run_.clear();
      head_ = 0;
      run_.push_back(e);
    } else if (!(e.key < run_.back().key)) {
      run_.push_back(e);
    } else {
      side_.push(e);
    }
  }

  void replace_top(const Entry& e) {
    pop();
    push(e);
  }

  // The entries that the next pops return, in that order, as far as the run knows them: its
  // entries not yet popped while the side heap is empty, else none (the heap's would interleave).
  // For prefetching what the next events touch, never for order.
  std::span<const Entry> run_ahead() const {
    if (!side_.empty()) return {};
    return {run_.data() + head_, run_.size() - head_};
  }

  // The entry that pop() would bring to the top, or null if there is none.
  const Entry* next_after_top() const {
    if (empty()) return nullptr;
    const Entry* a = nullptr;  // the run's candidate
    const Entry* b = nullptr;  // the side heap's
    if (from_run()) {
      if (head_ + 1 < run_.size()) a = &run_[head_ + 1];
      if (!side_.empty()) b = &side_.top();
    } else {
      if (head_ < run_.size()) a = &run_[head_];
      b = side_.next_after_top();
    }
    if (a == nullptr) return b;
    if (b == nullptr) return a;
    return b->key < a->key ? b : a;
  }

  template <class Pred>
  std::size_t remove_if(Pred pred) {
    const auto first = run_.begin() + static_cast<std::ptrdiff_t>(head_);
    const auto kept_end = std::remove_if(first, run_.end(), pred);
    std::size_t removed = static_cast<std::size_t>(run_.end() - kept_end);
    run_.erase(kept_end, run_.end());
    removed += side_.remove_if(pred);
    return removed;
  }

  // f must preserve the relative order of ids: the run stays sorted, the heap a heap.
  template <class F>
  void rewrite_ids(F f) {
    for (std::size_t i = head_; i < run_.size(); ++i) run_[i].key.id = f(run_[i].key.id);
    side_.rewrite_ids(f);
  }

  template <class F>
  void for_each(F f) const {
    for (std::size_t i = head_; i < run_.size(); ++i) f(run_[i]);
    side_.for_each(f);
  }

 private:
  // Whether the top is the run's head (it is when the heap is empty; ties cannot happen, keys are
  // unique).
  bool from_run() const { return head_ < run_.size() && (side_.empty() || run_[head_].key < side_.top().key); }

  std::vector<Entry> run_;  // sorted by key; entries before head_ are popped
  std::size_t head_ = 0;
  DaryHeap<2, Entry> side_;
};

}  // namespace clocksim::sim::queue
