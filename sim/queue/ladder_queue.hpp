// A two-tier ladder queue (after W. T. Tang, R. S. M. Goh, I. L.-J. Thng, "Ladder queue: an O(1)
// priority queue structure for large-scale discrete event simulation", ACM TOMACS 15(3), 2005):
// one index policy of EventQueue.
//
// Three parts, ordered by time: a small binary heap (`near`) of every entry before near_end_, a
// rung of equal-width buckets (unsorted) up to rung_end_, and an unsorted list (`far`) beyond.
// A push is a heap push only when it lands in the near window; otherwise it is an append. A
// bucket is a list of 128-byte chunks of seven entries from one pool with a free list, so its
// memory follows what it holds (vectors per bucket would each keep their largest size). When
// the heap runs dry, the next non-empty bucket moves into it; when the rung is used up, it is
// rebuilt over the far list's span, sized so that a bucket holds about kPerBucket entries. Each
// entry is therefore appended at most twice and sifted only in a heap of about kPerBucket
// entries, which stays in the cache however many events are pending: a 10^6-entry binary heap
// takes a cache and TLB miss on most of its 20 levels per pop.
//
// Order: the heap orders by the full EventKey (time, then insertion sequence), and every entry of
// one time lies in the same part (the boundaries are times), so pops come in exactly the order of
// any other policy: (time, seq), FIFO among equal times. A bucket crowded with one instant (a
// million timers due together) just makes a large near heap: O(log n), never worse than the heap.
#pragma once

#include <algorithm>
#include <bit>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <type_traits>
#include <vector>

#include "sim/queue/dary_heap.hpp"
#include "sim/queue/event_key.hpp"

namespace clocksim::sim::queue {

template <class Entry>
class LadderQueue {
  static_assert(std::is_trivially_copyable_v<Entry>);

 public:
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  void reserve(std::size_t) {}
  std::size_t memory_bytes() const {
    return near_.memory_bytes() + far_.capacity() * sizeof(Entry) + buckets_.capacity() * sizeof(Bucket) +
           chunks_.capacity() * sizeof(Chunk);
  }

  const Entry& top() {
    assert(!empty());
    fill_near();
    return near_.top();
  }

  void push(const Entry& e) {
    const std::int64_t t = e.key.time_ns;
    if (t < near_end_ns_) {
      near_.push(e);
    } else if (t < rung_end_ns_) {
      append(buckets_[bucket_of(t)], e);
    } else {
      far_.push_back(e);
      far_min_ns_ = std::min(far_min_ns_, t);
      far_max_ns_ = std::max(far_max_ns_, t);
    }
    ++size_;
  }

  void pop() {
    assert(!empty());
    fill_near();
    near_.pop();
    --size_;
  }

  template <class Pred>
  std::size_t remove_if(Pred pred) {
    std::size_t removed = near_.remove_if(pred);
    std::vector<Entry> kept;
    for (Bucket& b : buckets_) {
      kept.clear();
      walk(*this, b, [&](const Entry& e) {
        if (pred(e)) {
          ++removed;
        } else {
          kept.push_back(e);
        }
      });
      release(b);
      for (const Entry& e : kept) append(b, e);
    }
    const auto it = std::remove_if(far_.begin(), far_.end(), [&](const Entry& e) { return pred(e); });
    removed += static_cast<std::size_t>(far_.end() - it);
    far_.erase(it, far_.end());
    far_min_ns_ = kNever;
    far_max_ns_ = kBefore;
    for (const Entry& e : far_) {
      far_min_ns_ = std::min(far_min_ns_, e.key.time_ns);
      far_max_ns_ = std::max(far_max_ns_, e.key.time_ns);
    }
    size_ -= removed;
    return removed;
  }

  // f must preserve the relative order of ids; the parts are split by time, so they stay valid.
  template <class F>
  void rewrite_ids(F f) {
    near_.rewrite_ids(f);
    for (Bucket& b : buckets_) walk(*this, b, [&](Entry& e) { e.key.id = f(e.key.id); });
    for (Entry& e : far_) e.key.id = f(e.key.id);
  }

  template <class F>
  void for_each(F f) const {
    near_.for_each(f);
    for (const Bucket& b : buckets_) walk(*this, b, [&](const Entry& e) { f(e); });
    for (const Entry& e : far_) f(e);
  }

 private:
  static constexpr std::uint32_t kNoChunk = std::numeric_limits<std::uint32_t>::max();
  static constexpr std::uint32_t kChunkEntries = (128 - sizeof(std::uint32_t)) / sizeof(Entry);
  static_assert(kChunkEntries >= 1);
  struct alignas(64) Chunk {
    Entry entries[kChunkEntries];
    std::uint32_t next;  // the bucket's next (older, full) chunk
  };
  // The fill of the newest chunk sits here rather than in the chunk, so that an append reads only
  // this array (small, cached) and merely stores into the chunk, which may be far from the cache.
  struct Bucket {
    std::uint32_t head = kNoChunk;  // newest chunk
    std::uint32_t head_count = 0;   // entries in it; every older chunk is full
  };

  // Calls f on each entry of bucket b of `self` (const or not).
  template <class Self, class F>
  static void walk(Self& self, const Bucket& b, F&& f) {
    std::uint32_t n = b.head_count;
    for (std::uint32_t c = b.head; c != kNoChunk; c = self.chunks_[c].next) {
      for (std::uint32_t j = 0; j < n; ++j) f(self.chunks_[c].entries[j]);
      n = kChunkEntries;
    }
  }
  static constexpr std::int64_t kNever = std::numeric_limits<std::int64_t>::max();
  static constexpr std::int64_t kBefore = std::numeric_limits<std::int64_t>::min();
  // Entries per bucket at a rebuild: the near heap's usual size. Small enough to stay in L1,
  // large enough that a bucket's move and the rung's bookkeeping are amortised.
  static constexpr std::size_t kPerBucket = 32;

  std::size_t bucket_of(std::int64_t t) const {
    return static_cast<std::size_t>((static_cast<std::uint64_t>(t) - static_cast<std::uint64_t>(rung_start_ns_)) >>
                                    shift_);
  }

  // Makes the near heap non-empty (the queue is not empty).
  void fill_near() {
    while (near_.empty()) {
      while (next_bucket_ < buckets_.size() && buckets_[next_bucket_].head == kNoChunk) ++next_bucket_;
      if (next_bucket_ == buckets_.size()) {
        rebuild_rung();
        continue;
      }
      Bucket& b = buckets_[next_bucket_];
      // The bucket after this one is needed after about kPerBucket pops: start loading it.
      if (next_bucket_ + 1 < buckets_.size() && buckets_[next_bucket_ + 1].head != kNoChunk) {
        __builtin_prefetch(&chunks_[buckets_[next_bucket_ + 1].head]);
      }
      walk(*this, b, [this](const Entry& e) { near_.push(e); });
      release(b);
      ++next_bucket_;
      near_end_ns_ = next_bucket_ == buckets_.size() ? rung_end_ns_ : bucket_start(next_bucket_);
    }
  }

  std::int64_t bucket_start(std::size_t i) const {
    return static_cast<std::int64_t>(static_cast<std::uint64_t>(rung_start_ns_) + (std::uint64_t{i} << shift_));
  }

  // Spreads the far list over a new rung covering its span. Called with the heap and every
  // bucket empty, so nothing is pending before far_min_ns_.
  void rebuild_rung() {
    assert(!far_.empty());
    const std::uint64_t span = static_cast<std::uint64_t>(far_max_ns_) - static_cast<std::uint64_t>(far_min_ns_);
    const std::size_t wanted = std::max<std::size_t>(1, far_.size() / kPerBucket);
    // Width: the smallest power of two with span / width < wanted, so the rung has at most
    // `wanted` buckets; a span of one instant gets a single bucket.
    unsigned shift = 0;
    while (shift < 63 && (span >> shift) >= wanted) ++shift;
    const std::size_t count = static_cast<std::size_t>(span >> shift) + 1;
    rung_start_ns_ = far_min_ns_;
    shift_ = shift;
    assert(std::all_of(buckets_.begin(), buckets_.end(), [](const Bucket& b) { return b.head == kNoChunk; }));
    buckets_.assign(count, Bucket{});
    // rung_end_ns_: one past the last bucket, saturated (a rung can reach the end of time).
    const std::uint64_t end = static_cast<std::uint64_t>(rung_start_ns_) + (std::uint64_t{count} << shift);
    const bool wraps = shift >= 63 || end < static_cast<std::uint64_t>(rung_start_ns_) ||
                       end > static_cast<std::uint64_t>(kNever);
    rung_end_ns_ = wraps ? kNever : static_cast<std::int64_t>(end);
    for (const Entry& e : far_) append(buckets_[bucket_of(e.key.time_ns)], e);
    far_.clear();
    far_min_ns_ = kNever;
    far_max_ns_ = kBefore;
    next_bucket_ = 0;
    near_end_ns_ = rung_start_ns_;
  }

  void append(Bucket& b, const Entry& e) {
    if (b.head == kNoChunk || b.head_count == kChunkEntries) {
      std::uint32_t c;
      if (free_chunk_ != kNoChunk) {
        c = free_chunk_;
        free_chunk_ = chunks_[c].next;
      } else {
        if (chunks_.size() >= kNoChunk) throw std::length_error("LadderQueue: too many pending events");
        c = static_cast<std::uint32_t>(chunks_.size());
        chunks_.emplace_back();
      }
      chunks_[c].next = b.head;
      b.head = c;
      b.head_count = 0;
    }
    chunks_[b.head].entries[b.head_count++] = e;
  }

  // Returns a bucket's chunks to the free list and empties it.
  void release(Bucket& b) {
    while (b.head != kNoChunk) {
      const std::uint32_t next = chunks_[b.head].next;
      chunks_[b.head].next = free_chunk_;
      free_chunk_ = b.head;
      b.head = next;
    }
    b.head_count = 0;
  }

  DaryHeap<2, Entry> near_;
  std::vector<Bucket> buckets_;
  std::vector<Chunk> chunks_;
  std::uint32_t free_chunk_ = kNoChunk;
  std::vector<Entry> far_;
  std::size_t next_bucket_ = 0;
  std::size_t size_ = 0;
  std::int64_t near_end_ns_ = kBefore;  // the heap holds every entry before this
  std::int64_t rung_start_ns_ = 0;
  std::int64_t rung_end_ns_ = kBefore;  // the buckets hold every entry before this (and after near)
  unsigned shift_ = 0;
  std::int64_t far_min_ns_ = kNever;
  std::int64_t far_max_ns_ = kBefore;
};

}  // namespace clocksim::sim::queue
