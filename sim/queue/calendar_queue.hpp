// A calendar queue (R. Brown, "Calendar queues: a fast O(1) priority queue implementation for the
// simulation event set problem", CACM 31(10), 1988): one index policy of EventQueue.
//
// Time is cut into windows of 2^shift ns; window v goes to bucket v mod nb, so one "year" of nb
// consecutive windows covers the near future and later events wrap around. A pop scans forward
// from the current window to the first bucket whose smallest entry lies in the window being
// scanned (that entry is the global minimum); after a whole empty year it falls back to a direct
// search over the bucket minima. Brown keeps buckets as sorted lists; ours are small binary heaps
// ordered by the full EventKey, so equal times (which always share a bucket) stay FIFO and a
// degenerate bucket (a million timers at the same instant) costs O(log n), never O(n).
//
// Sizing follows Brown: nb doubles when the population exceeds 2 nb and halves below nb / 4; each
// resize re-estimates the window from a sample of the pending times (about two events per window
// near the front of the queue). Because a workload can change its time scale without changing its
// population, the queue also re-estimates when pops keep landing in crowded buckets (checked every
// n/2 pops) or have scanned more empty windows than a rebuild costs, so the O(n) rebuild stays
// amortized O(1) and a burst followed by sparse events does not leave every pop scanning a year.
#pragma once

#include <algorithm>
#include <bit>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <type_traits>
#include <vector>

#include "sim/queue/event_key.hpp"

namespace clocksim::sim::queue {

template <class Entry>
class CalendarQueue {
  static_assert(std::is_trivially_copyable_v<Entry>);

 public:
  CalendarQueue() { buckets_.resize(kMinBuckets); }

  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  void reserve(std::size_t) {}
  std::size_t memory_bytes() const {
    std::size_t bytes = buckets_.capacity() * sizeof(Bucket);
    for (const Bucket& b : buckets_) bytes += b.capacity() * sizeof(Entry);
    return bytes;
  }

  const Entry& top() {
    assert(!empty());
    if (!located_) locate();
    return current().front();
  }

  void push(const Entry& e) {
    const std::uint64_t w = window_of(e.key);
    Bucket& b = buckets_[w & mask_];
    b.push_back(e);
    std::push_heap(b.begin(), b.end(), Later{});
    ++size_;
    if (size_ == 1 || w < cur_window_ || (located_ && e.key < current().front().key)) {
      // The new entry is the minimum: every other entry lies in window cur_window_ or later.
      cur_window_ = w;
      located_ = true;
    }
    if (size_ > 2 * buckets_.size()) rebuild(buckets_.size() * 2);
  }

  void pop() {
    assert(!empty());
    if (!located_) locate();
    Bucket& b = current();
    crowded_pops_ += b.size() > kCrowded ? 1 : 0;
    std::pop_heap(b.begin(), b.end(), Later{});
    b.pop_back();
    --size_;
    located_ = false;
    // Re-check the width after n/2 pops, or as soon as the windows scanned in vain since the last
    // rebuild cost more than a rebuild would: either way the O(n) check stays amortized O(1).
    if (++pops_since_rebuild_ >= std::max<std::size_t>(size_ / 2, kMinPopsBetweenChecks) ||
        skipped_windows_ > 2 * (size_ + buckets_.size())) {
      check_width();
    }
    if (size_ < buckets_.size() / 4 && buckets_.size() > kMinBuckets) rebuild(buckets_.size() / 2);
  }

  // Windows scanned in vain by all pops so far (introspection for tests).
  std::uint64_t windows_skipped_total() const { return skipped_total_ + skipped_windows_; }

  template <class Pred>
  std::size_t remove_if(Pred pred) {
    std::size_t removed = 0;
    for (Bucket& b : buckets_) {
      const auto end = std::remove_if(b.begin(), b.end(), pred);
      removed += static_cast<std::size_t>(b.end() - end);
      b.erase(end, b.end());
      std::make_heap(b.begin(), b.end(), Later{});
    }
    size_ -= removed;
    located_ = false;
    return removed;
  }

  // f must preserve the relative order of ids; bucket heaps and windows stay valid.
  template <class F>
  void rewrite_ids(F f) {
    for (Bucket& b : buckets_) {
      for (Entry& e : b) e.key.id = f(e.key.id);
    }
  }

  template <class F>
  void for_each(F f) const {
    for (const Bucket& b : buckets_) {
      for (const Entry& e : b) f(e);
    }
  }

 private:
  using Bucket = std::vector<Entry>;
  struct Later {
    bool operator()(const Entry& a, const Entry& b) const { return b.key < a.key; }
  };

  static constexpr std::size_t kMinBuckets = 16;
  static constexpr std::size_t kCrowded = 8;
  static constexpr std::size_t kMinPopsBetweenChecks = 1024;
  static constexpr std::size_t kSampleSize = 4096;

  // Order-preserving map of int64 ns onto uint64, so window arithmetic never overflows.
  static std::uint64_t biased(std::int64_t t_ns) {
    return static_cast<std::uint64_t>(t_ns) ^ (std::uint64_t{1} << 63);
  }
  std::uint64_t window_of(const EventKey& k) const { return biased(k.time_ns) >> shift_; }
  Bucket& current() { return buckets_[cur_window_ & mask_]; }

  // Positions cur_window_ on the window holding the minimum entry.
  void locate() {
    assert(!empty());
    for (std::size_t i = 0; i < buckets_.size(); ++i, ++cur_window_) {
      const Bucket& b = current();
      if (!b.empty() && window_of(b.front().key) == cur_window_) {
        skipped_windows_ += i;
        located_ = true;
        return;
      }
    }
    // A whole year without an entry: jump straight to the smallest bucket minimum.
    skipped_windows_ += buckets_.size();
    const Entry* best = nullptr;
    for (const Bucket& b : buckets_) {
      if (!b.empty() && (best == nullptr || b.front().key < best->key)) best = &b.front();
    }
    cur_window_ = window_of(best->key);
    located_ = true;
  }

  // Re-estimates the window when pops skipped many empty windows or met crowded buckets.
  void check_width() {
    const std::size_t pops = pops_since_rebuild_;
    const bool sparse = skipped_windows_ > 4 * pops;
    const bool crowded = crowded_pops_ > pops / 2;
    if ((sparse || crowded) && estimate_shift() != shift_) {
      rebuild(buckets_.size());
    } else {
      skipped_total_ += skipped_windows_;
      pops_since_rebuild_ = skipped_windows_ = crowded_pops_ = 0;
    }
  }

  // Brown's rule: a window about twice the mean separation of the entries near the front, here
  // of the earliest quarter of the distinct times in a sample of the pending entries. Distinct:
  // a storm of events at one instant shares a bucket whatever the width, and must not shrink the
  // windows to nothing for everybody else.
  unsigned estimate_shift() const {
    if (size_ < 2) return shift_;
    const std::size_t stride = std::max<std::size_t>(1, size_ / kSampleSize);
    std::vector<std::uint64_t> sample;
    sample.reserve(size_ / stride + 1);
    std::size_t i = 0;
    for (const Bucket& b : buckets_) {
      for (const Entry& e : b) {
        if (i++ % stride == 0) sample.push_back(biased(e.key.time_ns));
      }
    }
    std::sort(sample.begin(), sample.end());
    sample.erase(std::unique(sample.begin(), sample.end()), sample.end());
    const std::size_t q = sample.size() / 4;
    if (q == 0) return shift_;
    const std::uint64_t separation = (sample[q] - sample[0]) / (q * stride);
    return std::min(62U, static_cast<unsigned>(std::bit_width(2 * separation)));
  }

  void rebuild(std::size_t bucket_count) {
    shift_ = estimate_shift();
    std::vector<Bucket> old;
    old.swap(buckets_);
    buckets_.resize(bucket_count);
    mask_ = bucket_count - 1;
    cur_window_ = std::numeric_limits<std::uint64_t>::max();
    for (Bucket& b : old) {
      for (const Entry& e : b) {
        const std::uint64_t w = window_of(e.key);
        Bucket& nb = buckets_[w & mask_];
        nb.push_back(e);
        std::push_heap(nb.begin(), nb.end(), Later{});
        cur_window_ = std::min(cur_window_, w);
      }
    }
    located_ = false;
    if (size_ == 0) cur_window_ = 0;
    skipped_total_ += skipped_windows_;
    pops_since_rebuild_ = skipped_windows_ = crowded_pops_ = 0;
  }

  std::vector<Bucket> buckets_;
  std::size_t mask_ = kMinBuckets - 1;
  unsigned shift_ = 20;  // ~1 ms windows until the first estimate
  std::size_t size_ = 0;
  std::uint64_t cur_window_ = 0;  // no entry lies in an earlier window
  bool located_ = false;          // the minimum is the front of buckets_[cur_window_ & mask_]
  std::size_t pops_since_rebuild_ = 0;
  std::size_t skipped_windows_ = 0;
  std::size_t crowded_pops_ = 0;
  std::uint64_t skipped_total_ = 0;
};

}  // namespace clocksim::sim::queue
