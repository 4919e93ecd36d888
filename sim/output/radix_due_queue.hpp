// A monotone queue of (instant, id) entries for the offset tournament's certificates: push an
// entry due at some instant, then take out every entry due by a later instant, in any order.
//
// A radix heap (Ahuja, Mehlhorn, Orlin and Tarjan, "Faster algorithms for the shortest path
// problem", JACM 37(2), 1990) with 8-bit digits. Every entry is due at or after `floor`, the
// earliest instant taken out so far. An entry whose instant differs from the floor first in byte
// L (counting from the low end) sits in bucket (L, that byte of its instant); each bucket keeps
// its earliest instant. Buckets order as (L, byte), so the earliest non-empty one holds the
// earliest entries. A push is an append; taking out the earliest bucket's entries raises the
// floor to their minimum and spreads them over buckets of lower L, the rest staying where they
// are, so an entry moves at most 8 times over its life, always towards nearer instants. Bytes
// rather than bits: with one bucket per bit an entry due a second ahead could move 30 times, and
// at 10^5 leaves those moves would be most of the queue's cost. A binary heap with positions kept for updates in place cost a sift
// and a position write per level on most updates, and the certificates of a tree of 10^5 leaves
// change at every query.
//
// There is no update and no removal: the owner queues an entry again where it needs one earlier,
// recognises the entries it no longer relies on when they come out (stale ones), and compact()
// drops them in bulk so that they do not pile up.
//
// A bucket is a list of chunks from one pool (sim/queue/chunk_lists.hpp), so memory follows the
// entries held: vectors per bucket would each keep the largest size they ever had, and entries
// pass through several buckets on their way down.
//
// Instants before the floor cannot be placed: push() takes them as due at the floor, which is
// never later than the instant of the last take_due(), so they come out at the next one. Callers
// that compare an entry's instant with what they hold store floor_ns()-clamped instants.
#pragma once

#include <array>
#include <bit>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

#include "sim/queue/chunk_lists.hpp"

namespace clocksim::sim {

class RadixDueQueue {
 public:
  struct Entry {
    std::int64_t t_ns;
    std::uint32_t id;
  };

  // The earliest instant a push may name; earlier ones are taken as this one.
  std::int64_t floor_ns() const { return from_key(floor_); }
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

  void push(std::int64_t t_ns, std::uint32_t id) {
    const std::uint64_t k = std::max(to_key(t_ns), floor_);
    place(Slot{k, id});
    ++size_;
  }

  // Calls f(Entry) once for every entry due at or before now_ns and removes them. f must not push.
  template <class F>
  void take_due(std::int64_t now_ns, F&& f) {
    const std::uint64_t now = to_key(now_ns);
    while (size_ > 0) {
      if (at_floor_.count != 0) {
        if (floor_ > now) return;
        List due = std::exchange(at_floor_, List{});
        size_ -= due.count;
        pool_.walk(due, [&](const Slot& s) { f(Entry{from_key(s.key), s.id}); });
        pool_.release(due);
        continue;
      }
      const std::size_t b = earliest_bucket();
      if (least_[b] > now) return;
      // Raising the floor to the bucket's minimum keeps every other bucket's entries where they
      // are (they differ from the new floor first in the same byte, and there by the same value,
      // as from the old one) and sends this bucket's entries to buckets of lower bytes.
      floor_ = least_[b];
      List spilled = std::exchange(buckets_[b], List{});
      clear_occupied(b);
      pool_.walk(spilled, [&](const Slot s) { place(s); });  // by value: place() may grow the pool
      pool_.release(spilled);
    }
  }

  // Keeps only the entries for which keep(Entry) is true.
  template <class Keep>
  void compact(Keep&& keep) {
    std::vector<Slot> kept;
    const auto filter = [&](List& list) {
      kept.clear();
      pool_.walk(list, [&](const Slot& s) {
        if (keep(Entry{from_key(s.key), s.id})) kept.push_back(s);
      });
      pool_.release(list);
      for (const Slot& s : kept) pool_.append(list, s);
      return kept.size();
    };
    size_ = filter(at_floor_);
    occupied_levels_ = 0;
    occupied_ = {};
    for (std::size_t b = 0; b < buckets_.size(); ++b) {
      if (buckets_[b].count == 0) continue;
      const std::size_t n = filter(buckets_[b]);
      size_ += n;
      if (n == 0) continue;
      set_occupied(b);
      least_[b] = std::numeric_limits<std::uint64_t>::max();
      pool_.walk(buckets_[b], [&](const Slot& s) { least_[b] = std::min(least_[b], s.key); });
    }
  }

 private:
  struct Slot {
    std::uint64_t key;  // the instant, order-preserving as unsigned
    std::uint32_t id;
  };
  using Pool = queue::ChunkLists<Slot>;
  using List = Pool::List;

  // Flipping the sign bit maps int64 order onto uint64 order.
  static constexpr std::uint64_t kSign = std::uint64_t{1} << 63;
  static std::uint64_t to_key(std::int64_t t_ns) { return static_cast<std::uint64_t>(t_ns) ^ kSign; }
  static std::int64_t from_key(std::uint64_t k) { return static_cast<std::int64_t>(k ^ kSign); }

  static constexpr unsigned kDigitBits = 8;
  static constexpr std::size_t kDigits = std::size_t{1} << kDigitBits;
  static constexpr std::size_t kLevels = 64 / kDigitBits;
  static constexpr std::size_t kWords = kDigits / 64;  // occupancy words per level

  void place(const Slot& s) {
    assert(s.key >= floor_);
    if (s.key == floor_) {
      pool_.append(at_floor_, s);
      return;
    }
    const auto level = static_cast<unsigned>(std::bit_width(s.key ^ floor_) - 1) / kDigitBits;
    const std::size_t b = level * kDigits + ((s.key >> (level * kDigitBits)) & (kDigits - 1));
    pool_.append(buckets_[b], s);
    if (buckets_[b].count == 1) {
      least_[b] = s.key;
      set_occupied(b);
    } else {
      least_[b] = std::min(least_[b], s.key);
    }
  }

  void set_occupied(std::size_t b) {
    occupied_[b / 64] |= std::uint64_t{1} << (b % 64);
    occupied_levels_ |= 1u << (b / kDigits);
  }
  void clear_occupied(std::size_t b) {
    occupied_[b / 64] &= ~(std::uint64_t{1} << (b % 64));
    const std::size_t level = b / kDigits;
    for (std::size_t w = 0; w < kWords; ++w) {
      if (occupied_[level * kWords + w] != 0) return;
    }
    occupied_levels_ &= ~(1u << level);
  }
  // The earliest non-empty bucket: the lowest level with one, its lowest byte. Called with some
  // bucket occupied.
  std::size_t earliest_bucket() const {
    assert(occupied_levels_ != 0);
    const auto level = static_cast<std::size_t>(std::countr_zero(occupied_levels_));
    for (std::size_t w = level * kWords;; ++w) {
      if (occupied_[w] != 0) return w * 64 + static_cast<std::size_t>(std::countr_zero(occupied_[w]));
    }
  }

  // Bucket (L, v), index L * kDigits + v, holds the entries whose instant differs from the
  // floor first in byte L, where it is v; at_floor_ those due at the floor itself. Each bucket
  // keeps its earliest instant (valid while it is occupied), so that a take that finds nothing
  // due looks at one number rather than walking a bucket of certificates due later.
  List at_floor_;
  std::array<List, kLevels * kDigits> buckets_{};
  std::array<std::uint64_t, kLevels * kDigits> least_{};
  std::array<std::uint64_t, kLevels * kWords> occupied_{};  // bit b: bucket b is not empty
  std::uint32_t occupied_levels_ = 0;                       // bit L: some bucket of level L is not empty
  Pool pool_;
  std::uint64_t floor_ = 0;     // the key of instant INT64_MIN
  std::size_t size_ = 0;
};

}  // namespace clocksim::sim
