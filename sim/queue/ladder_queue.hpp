// A ladder queue (after W. T. Tang, R. S. M. Goh, I. L.-J. Thng, "Ladder queue: an O(1) priority
// queue structure for large-scale discrete event simulation", ACM TOMACS 15(3), 2005): one index
// policy of EventQueue.
//
// The parts, ordered by time: the near part (`near`: every entry before near_end_, as the bucket
// being worked through, sorted, plus a small heap of what arrives meanwhile out of order:
// sorted_run.hpp); a ladder of rungs, each a row of equal-width unsorted buckets, the innermost
// (latest spawned) covering the earliest times; and an unsorted list (`far`) beyond the outermost
// rung. A push goes to the near part only when it lands in the near window; otherwise it is an
// append. When the near part runs dry, the innermost rung's next non-empty bucket is sorted into
// it, unless that bucket is
// crowded (a burst: a thousand clients' timers within a few milliseconds), in which case it is
// spread over a finer rung of its own first. When the outermost rung is used up, it is rebuilt
// over the far list's span. Rungs are sized so that a bucket holds about kPerBucket entries, so an
// entry is appended a few times and sorted only among a few dozen entries, which stay in the
// cache however many events are pending: a 10^6-entry binary heap takes a cache and TLB miss on
// most of its 20 levels per pop.
//
// Tombstones leave as they move. The owner may mark an entry dead (mark_dead: a cancelled event,
// named by the low bits of its id, its slot) and the ladder then drops it the next time it moves
// it: laying the far list out, spreading a bucket or sorting one into the near part. The ids it
// dropped are handed back (take_dropped) so the owner can recycle what they named. A timeout that
// a reply cancels (one per exchange of a request/reply protocol) is then never appended to a
// bucket, sorted or popped; an entry already in the near part is left to the owner's pop, which
// looks at its state anyway. Dropping changes no order: a dead entry is never returned.
//
// A bucket is a list of 128-byte chunks from one pool (chunk_lists.hpp), so its memory follows
// what it holds, and a move first names every chunk of the bucket to the memory system and the
// misses overlap.
//
// Order: the near part orders by the full EventKey (time, then insertion sequence), and every
// entry of one time lies in the same part (the boundaries are times), so pops come in exactly the
// order of any other policy: (time, seq), FIFO among equal times. A crowd at one instant (a
// million timers due together) cannot be split and makes a large near part: sorted once, and
// what its handlers push at that instant or later is appended to the run.
#pragma once

#include <algorithm>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <stdexcept>
#include <type_traits>
#include <vector>

#include "sim/queue/chunk_lists.hpp"
#include "sim/queue/event_key.hpp"
#include "sim/queue/sorted_run.hpp"

namespace clocksim::sim::queue {

template <class Entry>
class LadderQueue {
  static_assert(std::is_trivially_copyable_v<Entry>);

 public:
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  void reserve(std::size_t) {}
  std::size_t memory_bytes() const {
    std::size_t bytes = near_.memory_bytes() + far_.capacity() * sizeof(Entry) + pool_.memory_bytes() +
                        rungs_.capacity() * sizeof(Rung) + dead_marks_.capacity() * sizeof(std::uint64_t) +
                        dropped_.capacity() * sizeof(std::uint64_t);
    for (const Rung& r : rungs_) bytes += r.buckets.capacity() * sizeof(Bucket);
    return bytes;
  }

  const Entry& top() {
    assert(!empty());
    fill_near();
    return near_.top();
  }

  void push(const Entry& e) {
    const std::int64_t t = e.key.time_ns;
    ++size_;
    if (t < near_end_ns_) {
      near_.push(e);
      return;
    }
    // Innermost first: it covers the earliest times, and an entry past its end belongs to a rung
    // further out (always in a bucket that rung has not moved yet).
    for (std::size_t d = depth_; d-- > 0;) {
      Rung& r = rungs_[d];
      if (t < r.end_ns) {
        pool_.append(r.buckets[r.bucket_of(t)], e);
        return;
      }
    }
    far_.push_back(e);
    far_min_ns_ = std::min(far_min_ns_, t);
    far_max_ns_ = std::max(far_max_ns_, t);
  }

  void pop() {
    assert(!empty());
    fill_near();
    near_.pop();
    --size_;
  }

  // pop() then push(e): EventQueue's fused pop and push. When e lands in the near window (a reply
  // due before the current bucket ends) it goes straight to the near part.
  void replace_top(const Entry& e) {
    assert(!empty());
    fill_near();
    if (e.key.time_ns < near_end_ns_) {
      near_.replace_top(e);
    } else {
      near_.pop();
      --size_;
      push(e);
    }
  }

  // The entry that pop() would bring to the top, or null when it is not in the near part (then
  // it is unknown until the next bucket moves in): a hint for prefetching, never for order.
  const Entry* next_after_top() const { return near_.next_after_top(); }

  // How many buckets have moved into the near part so far, and the entries that the next pops
  // return, in order, as far as the near part knows them (SortedRun::run_ahead: just after a
  // move, the whole bucket): the caller can start loading what each of them refers to as soon as
  // the bucket moves in, some dozens of events before they are needed. Hints, never for order.
  std::uint64_t loads() const { return loads_; }
  std::span<const Entry> loaded_ahead() const { return near_.run_ahead(); }

  // Marks the entry whose id has `low` in its low bits (id & mask, set_mark_mask) as dead: it may
  // be dropped from now on. At most one pending entry may have a given low value while it is
  // marked. unmark() takes the mark back; the owner must do so before an entry that was not
  // dropped (say, popped as a tombstone) can be followed by another with the same low bits.
  void set_mark_mask(std::uint64_t mask) { mark_mask_ = mask; }
  void mark_dead(std::uint64_t low) {
    const std::size_t word = static_cast<std::size_t>(low >> 6);
    if (word >= dead_marks_.size()) grow_marks(word);
    dead_marks_[word] |= std::uint64_t{1} << (low & 63);
    ++marked_;
  }
  void unmark(std::uint64_t low) {
    const std::size_t word = static_cast<std::size_t>(low >> 6);
    assert(word < dead_marks_.size() && (dead_marks_[word] >> (low & 63) & 1) != 0);
    dead_marks_[word] &= ~(std::uint64_t{1} << (low & 63));
    --marked_;
  }
  // The ids of the entries dropped since the last call, in the order they were dropped; their
  // marks are already cleared. Appends to `out`.
  void take_dropped(std::vector<std::uint64_t>& out) {
    out.insert(out.end(), dropped_.begin(), dropped_.end());
    dropped_.clear();
  }
  bool has_dropped() const { return !dropped_.empty(); }

  template <class Pred>
  std::size_t remove_if(Pred pred) {
    std::size_t removed = near_.remove_if(pred);
    std::vector<Entry> kept;
    for (std::size_t d = 0; d < depth_; ++d) {
      for (Bucket& b : rungs_[d].buckets) {
        if (b.count == 0) continue;
        kept.clear();
        pool_.walk(b, [&](const Entry& e) {
          if (pred(e)) {
            ++removed;
          } else {
            kept.push_back(e);
          }
        });
        pool_.release(b);
        for (const Entry& e : kept) pool_.append(b, e);
      }
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
    for (std::size_t d = 0; d < depth_; ++d) {
      for (Bucket& b : rungs_[d].buckets) pool_.walk(b, [&](Entry& e) { e.key.id = f(e.key.id); });
    }
    for (Entry& e : far_) e.key.id = f(e.key.id);
  }

  template <class F>
  void for_each(F f) const {
    near_.for_each(f);
    for (std::size_t d = 0; d < depth_; ++d) {
      for (const Bucket& b : rungs_[d].buckets) pool_.walk(b, [&](const Entry& e) { f(e); });
    }
    for (const Entry& e : far_) f(e);
  }

  // For tests: how many rungs are in use.
  std::size_t depth() const { return depth_; }

 private:
  static constexpr std::int64_t kNever = std::numeric_limits<std::int64_t>::max();
  static constexpr std::int64_t kBefore = std::numeric_limits<std::int64_t>::min();
  // Entries per bucket when a rung is laid out: the near part's usual size. Small enough to stay
  // in L1, large enough that moving a bucket and laying out a rung are amortised.
  static constexpr std::size_t kPerBucket = 32;
  // A bucket with more entries than this gets a finer rung of its own before it reaches the near part.
  static constexpr std::uint32_t kSpreadAbove = 4 * kPerBucket;
  // Nesting limit: each level narrows the width at least twofold, so 64 levels would reach one
  // nanosecond anyway; the limit only bounds the rung array.
  static constexpr std::size_t kMaxDepth = 64;

  using Bucket = typename ChunkLists<Entry>::List;

  struct Rung {
    std::int64_t start_ns = 0;
    std::int64_t end_ns = 0;  // one past the last time it holds (saturated at kNever)
    unsigned shift = 0;       // bucket width 2^shift ns
    std::size_t next = 0;     // first bucket not yet moved out
    std::vector<Bucket> buckets;

    std::size_t bucket_of(std::int64_t t) const {
      return static_cast<std::size_t>((static_cast<std::uint64_t>(t) - static_cast<std::uint64_t>(start_ns)) >> shift);
    }
    // End of bucket i, clipped to the rung's end.
    std::int64_t bucket_end(std::size_t i) const {
      const std::uint64_t start = static_cast<std::uint64_t>(start_ns);
      const std::uint64_t width = shift >= 64 ? 0 : (std::uint64_t{1} << shift);
      const std::uint64_t offset = std::uint64_t{i} * width;
      const std::uint64_t room = static_cast<std::uint64_t>(end_ns) - start;
      // offset + width >= room: the last bucket (or an overflowing one) ends with the rung.
      if (width == 0 || offset >= room || width >= room - offset) return end_ns;
      return static_cast<std::int64_t>(start + offset + width);
    }
  };

  // Makes the near part non-empty (the queue is not empty, and moving entries never drops the
  // last one).
  void fill_near() {
    while (near_.empty()) {
      if (depth_ == 0) {
        assert(!far_.empty());
        lay_out_far();
        continue;
      }
      Rung& r = rungs_[depth_ - 1];
      while (r.next < r.buckets.size() && r.buckets[r.next].count == 0) ++r.next;
      if (r.next == r.buckets.size()) {
        --depth_;  // used up: its range is behind near_end_ns_ now
        continue;
      }
      Bucket& b = r.buckets[r.next];
      if (b.count > kSpreadAbove && depth_ < kMaxDepth && spread(b)) continue;
      pool_.prefetch(b);
      // The bucket after this one is needed after about kPerBucket pops: start loading it.
      if (r.next + 1 < r.buckets.size()) pool_.prefetch(r.buckets[r.next + 1]);
      near_.load(b.count, [&](auto&& add) { walk_live(b, add); });
      pool_.release(b);
      near_end_ns_ = r.bucket_end(r.next);
      ++r.next;
      ++loads_;
    }
  }

  // Opens a rung at depth_ for `count` entries spanning [min_ns, max_ns], sized for about
  // kPerBucket entries a bucket, and returns it.
  Rung& open_rung(std::int64_t min_ns, std::int64_t max_ns, std::size_t count) {
    const std::uint64_t span = static_cast<std::uint64_t>(max_ns) - static_cast<std::uint64_t>(min_ns);
    const std::size_t wanted = std::max<std::size_t>(1, count / kPerBucket);
    // The smallest power-of-two width with at most `wanted` buckets over the span.
    unsigned shift = 0;
    while (shift < 63 && (span >> shift) >= wanted) ++shift;
    const std::size_t buckets = static_cast<std::size_t>(span >> shift) + 1;
    if (rungs_.size() == depth_) rungs_.emplace_back();
    Rung& r = rungs_[depth_++];
    r.start_ns = min_ns;
    r.end_ns = max_ns == kNever ? kNever : max_ns + 1;
    r.shift = shift;
    r.next = 0;
    r.buckets.assign(buckets, Bucket{});
    return r;
  }

  // Lays the far list out as the outermost rung. Called with nothing else pending.
  void lay_out_far() {
    Rung& r = open_rung(far_min_ns_, far_max_ns_, far_.size());
    const DeadMarks marks = dead_marks();
    if (marks.word_count == 0) {
      for (const Entry& e : far_) pool_.append(r.buckets[r.bucket_of(e.key.time_ns)], e);
    } else {
      for (const Entry& e : far_) {
        if (!drop_if_dead(marks, e)) pool_.append(r.buckets[r.bucket_of(e.key.time_ns)], e);
      }
    }
    far_.clear();
    far_min_ns_ = kNever;
    far_max_ns_ = kBefore;
    near_end_ns_ = r.start_ns;
  }

  // Spreads crowded bucket b of the innermost rung over a finer rung covering its entries' span. The
  // bucket stays the parent's next one: later pushes past the new rung's end but inside the
  // bucket land there, and are moved once the new rung is used up. False if the entries share
  // one instant (nothing to spread).
  bool spread(Bucket& b) {
    pool_.prefetch(b);
    std::int64_t lo = kNever;
    std::int64_t hi = kBefore;
    pool_.walk(b, [&](const Entry& e) {
      lo = std::min(lo, e.key.time_ns);
      hi = std::max(hi, e.key.time_ns);
    });
    if (lo == hi) return false;
    const Bucket crowd = b;
    b = Bucket{};
    Rung& child = open_rung(lo, hi, crowd.count);  // may move the rungs: `parent` is stale now
    // By value: an append may grow the chunk pool and move the entry being read.
    walk_live(crowd, [&](const Entry e) { pool_.append(child.buckets[child.bucket_of(e.key.time_ns)], e); });
    Bucket spent = crowd;
    pool_.release(spent);
    near_end_ns_ = child.start_ns;
    return true;
  }

  [[gnu::noinline]] void grow_marks(std::size_t word) {
    dead_marks_.resize(std::max<std::size_t>(word + 1, 2 * dead_marks_.size()), 0);
  }

  // The dead marks as a move reads them, taken once before it: a move only clears marks, never
  // adds words, and the locals stay in registers across the appends' calls, which the members
  // would not. No words when nothing is marked, so the test fails at once.
  struct DeadMarks {
    const std::uint64_t* words;
    std::size_t word_count;
    std::uint64_t mask;
    bool marked(std::uint64_t id) const {
      const std::uint64_t low = id & mask;
      const std::size_t word = static_cast<std::size_t>(low >> 6);
      return word < word_count && (words[word] >> (low & 63) & 1) != 0;
    }
  };
  DeadMarks dead_marks() const { return {dead_marks_.data(), marked_ == 0 ? 0 : dead_marks_.size(), mark_mask_}; }

  // Calls f on each entry of `b` that is not dropped as dead (by value, so that f may append).
  // Without marks (a workload that cancels nothing) the walk tests nothing.
  template <class F>
  void walk_live(const Bucket& b, F&& f) {
    const DeadMarks marks = dead_marks();
    if (marks.word_count == 0) {
      pool_.walk(b, [&](const Entry e) { f(e); });
    } else {
      pool_.walk(b, [&](const Entry e) {
        if (!drop_if_dead(marks, e)) f(e);
      });
    }
  }

  // Drops `e` if it is marked dead: counts it out, clears its mark and records its id. The test
  // is inline (every moved entry takes it); the drop is not (about one entry in five on a
  // request/reply protocol's star). The last entry is never dropped, so a ladder that was not
  // empty before a move is not empty after it (the owner checked empty() before asking for the
  // top).
  bool drop_if_dead(const DeadMarks& marks, const Entry& e) { return marks.marked(e.key.id) && drop(e.key.id); }
  [[gnu::noinline]] bool drop(std::uint64_t id) {
    if (size_ == 1) return false;
    const std::uint64_t low = id & mark_mask_;
    dead_marks_[static_cast<std::size_t>(low >> 6)] &= ~(std::uint64_t{1} << (low & 63));
    --marked_;
    --size_;
    dropped_.push_back(id);
    return true;
  }

  SortedRun<Entry> near_;
  std::vector<Rung> rungs_;  // [0, depth_) in use; rungs_[depth_ - 1] is the innermost
  std::size_t depth_ = 0;
  ChunkLists<Entry> pool_;
  std::vector<Entry> far_;
  std::size_t size_ = 0;
  std::uint64_t loads_ = 0;
  std::uint64_t mark_mask_ = 0;
  std::vector<std::uint64_t> dead_marks_;  // bit (id & mark_mask_): the entry is dead
  std::size_t marked_ = 0;
  std::vector<std::uint64_t> dropped_;  // ids dropped since the last take_dropped
  std::int64_t near_end_ns_ = kBefore;  // the near part holds every entry before this
  std::int64_t far_min_ns_ = kNever;
  std::int64_t far_max_ns_ = kBefore;
};

}  // namespace clocksim::sim::queue
