// The random streams of a full mesh's links, created on first use: an open-addressing hash table
// (linear probing, power-of-two capacity, at most half full) from directed link index to the
// link's 8-byte stream.
//
// Why not std::unordered_map: a full mesh of n nodes has n(n-1) possible links, so streams can
// only be kept for the links actually used, and under random traffic (PHOLD, elections at 10^5+
// nodes) nearly every message uses a link for the first time. A node-based map then costs one
// allocation and two dependent cache misses (bucket, node) per message; here it is one probe into
// a flat array, and growth re-inserts without allocating per entry.
//
// Determinism: a stream's seed is a pure function of its link (the caller derives it), entries
// are only looked up, never iterated, so where an entry sits (hash, capacity, insertion order)
// cannot affect any draw.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "algorithms/core/rng.hpp"

namespace clocksim::sim {

class LinkStreamTable {
 public:
  // The stream of `link`, created with `make_seed()` if the link has none yet.
  template <class MakeSeed>
  SmallRng& find_or_create(std::uint64_t link, MakeSeed&& make_seed) {
    if (2 * (size_ + 1) > slots_.size()) grow();
    const std::uint64_t key = link + 1;  // 0 marks an empty slot
    std::size_t i = home(key);
    while (true) {
      Slot& s = slots_[i];
      if (s.key == key) return s.stream;
      if (s.key == 0) {
        s.key = key;
        s.stream = SmallRng(make_seed());
        ++size_;
        return s.stream;
      }
      i = (i + 1) & mask_;
    }
  }

  std::size_t size() const { return size_; }
  std::size_t memory_bytes() const { return slots_.capacity() * sizeof(Slot); }

 private:
  struct Slot {
    std::uint64_t key = 0;  // link index + 1; 0: empty
    SmallRng stream{0};
  };

  std::size_t home(std::uint64_t key) const { return static_cast<std::size_t>(mix64(key)) & mask_; }

  void grow() {
    std::vector<Slot> old;
    old.swap(slots_);
    const std::size_t capacity = old.empty() ? std::size_t{64} : old.size() * 2;
    slots_.assign(capacity, Slot{});
    mask_ = capacity - 1;
    for (const Slot& s : old) {
      if (s.key == 0) continue;
      std::size_t i = home(s.key);
      while (slots_[i].key != 0) i = (i + 1) & mask_;
      slots_[i] = s;
    }
  }

  std::vector<Slot> slots_;
  std::size_t mask_ = 0;
  std::size_t size_ = 0;
};

}  // namespace clocksim::sim
