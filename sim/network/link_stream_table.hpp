// The random streams of a full mesh's links, created on first use: an open-addressing hash table
// (linear probing, power-of-two capacity, at most three quarters full: half the memory, and half
// the pages that the inserts of new links touch at random, of a table kept half full, for probes
// a little longer) from directed link index to the link's 8-byte stream, behind a per-sender
// filter that recognises most first uses without touching the table.
//
// Why not std::unordered_map: a full mesh of n nodes has n(n-1) possible links, so streams can
// only be kept for the links actually used, and under random traffic (PHOLD, elections at 10^5+
// nodes) nearly every message uses a link for the first time. A node-based map then costs one
// allocation and two dependent cache misses (bucket, node) per message; here it is one probe into
// a flat array, and growth re-inserts without allocating per entry.
//
// Why the filter: even one probe into a table of millions of streams is a cache miss and a TLB
// miss per message, and under random traffic it is almost always spent on learning that the link
// is new. Each sender has one 64-byte Bloom filter line over the links it has used (blocked by
// word: four bits of one 64-bit word per link). The line of the node about to handle the next
// event is prefetched one event ahead (prefetch_sender), so the test is a cache hit. A negative
// test proves the link new: its stream starts at its seed, and its entry joins a small batch that
// is inserted into the table later, all of the batch's probes in flight together instead of one
// stall each. A positive test (a link used before, or a false positive, about 2 % at 50 links per
// sender) inserts the batch and probes the table as before.
//
// Determinism: a stream's seed is a pure function of its link (the caller derives it), entries
// are only looked up, never iterated, so where an entry sits (hash, capacity, insertion order,
// batch or table, filter state) cannot affect any draw: every link's stream is created once, from
// its seed, and then continues.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "algorithms/core/rng.hpp"
#include "sim/memory/huge_page_allocator.hpp"

namespace clocksim::sim {

class LinkStreamTable {
 public:
  // `senders`: the number of sending nodes with a filter (ids 0..senders-1); others go straight
  // to the table. The filters are allocated at the first use, zero pages mapped on demand, so a
  // mesh that sends nothing costs nothing.
  explicit LinkStreamTable(std::uint32_t senders = 0) : senders_(senders) {}
  LinkStreamTable(const LinkStreamTable&) = delete;
  LinkStreamTable& operator=(const LinkStreamTable&) = delete;

  // Starts loading the filter line of `from`, which the next find_or_create for it reads.
  void prefetch_sender(std::uint32_t from) const {
    if (filters_ != nullptr && from < senders_) __builtin_prefetch(&filters_[from]);
  }

  // The stream of `link` sent by `from`, created with `make_seed()` if the link has none yet.
  // `from` must be the same for every call naming `link` (the link's sending node). The reference
  // is valid until the next call.
  template <class MakeSeed>
  SmallRng& find_or_create(std::uint32_t from, std::uint64_t link, MakeSeed&& make_seed) {
    const std::uint64_t key = link + 1;  // 0 marks an empty slot
    const std::uint64_t hash = mix64(key);
    if (from < senders_) {
      if (filters_ == nullptr) allocate_filters();
      std::uint64_t& word = filters_[from].words[hash >> 61];
      const std::uint64_t bits = filter_bits(hash);
      if ((word & bits) != bits) {
        word |= bits;
        if (pending_size_ == kBatch) flush();
        Slot& s = pending_[pending_size_++];
        s.key = key;
        s.stream = SmallRng(make_seed());
        return s.stream;
      }
    }
    flush();
    if (4 * (size_ + 1) > 3 * capacity_) grow();
    std::size_t i = static_cast<std::size_t>(hash) & mask_;
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

  std::size_t size() const { return size_ + pending_size_; }
  std::size_t memory_bytes() const {
    return capacity_ * sizeof(Slot) + (filters_ != nullptr ? std::size_t{senders_} * sizeof(Filter) : 0);
  }

 private:
  struct Slot {
    std::uint64_t key = 0;  // link index + 1; 0: empty
    SmallRng stream{0};
  };
  struct alignas(64) Filter {
    std::uint64_t words[8];
  };
  // Links waiting for their table insert. Small enough to stay in cache; large enough that the
  // probes of one flush overlap.
  static constexpr std::size_t kBatch = 64;
  // How many inserts ahead of the current one a flush prefetches.
  static constexpr std::size_t kAhead = 8;

  // Four bits of the word chosen by the hash's top 3 bits, from bits independent of those and of
  // the table's home slot (the low bits).
  static std::uint64_t filter_bits(std::uint64_t hash) {
    return (std::uint64_t{1} << ((hash >> 37) & 63)) | (std::uint64_t{1} << ((hash >> 43) & 63)) |
           (std::uint64_t{1} << ((hash >> 49) & 63)) | (std::uint64_t{1} << ((hash >> 55) & 63));
  }

  void allocate_filters() {
    // Zero pages, mapped as they are first written. Huge pages where the kernel offers them, once
    // the filters fill one: a sender's line is read at random, and with 4 KiB pages nearly every
    // read would be a TLB miss, which a prefetch does not hide. Fewer senders (under 32768) fit in
    // the TLB anyway and keep to 4 KiB pages.
    filter_memory_ = memory::ZeroedMapping(std::size_t{senders_} * sizeof(Filter), /*huge_pages=*/true);
    filters_ = static_cast<Filter*>(filter_memory_.data());
  }

  std::size_t home(std::uint64_t key) const { return static_cast<std::size_t>(mix64(key)) & mask_; }

  // Inserts the pending links, which the filters proved absent from the table.
  void flush() {
    if (pending_size_ == 0) return;
    while (4 * (size_ + pending_size_) > 3 * capacity_) grow();
    const std::size_t n = pending_size_;
    std::size_t homes[kBatch];
    for (std::size_t j = 0; j < n; ++j) homes[j] = home(pending_[j].key);
    for (std::size_t j = 0; j < n && j < kAhead; ++j) __builtin_prefetch(&slots_[homes[j]], 1);
    for (std::size_t j = 0; j < n; ++j) {
      if (j + kAhead < n) __builtin_prefetch(&slots_[homes[j + kAhead]], 1);
      std::size_t i = homes[j];
      while (slots_[i].key != 0) i = (i + 1) & mask_;
      slots_[i] = pending_[j];
    }
    size_ += n;
    pending_size_ = 0;
  }

  // Doubles the table where it is: the mapping is extended (mremap: the pages written so far stay,
  // only the new half is fresh), then every entry moves to its home under the new mask or the
  // first free slot after it. A new table beside the old one would make the kernel clear the old
  // size's pages a second time, which at millions of links is a tenth of a PHOLD run.
  //
  // The move in place is exact: the entries are taken in the old table's order starting just
  // after an empty slot, so every cluster is taken from its start, and each is taken out before it
  // is put back. An entry whose home is in the lower half finds a free slot at or before its old
  // one (everything between its home and it was taken first), so it never passes an entry not yet
  // moved. One whose home is in the new upper half, which holds only moved entries, can run off
  // the end and wrap into the lower half; it then lands in a slot not yet visited, and is moved
  // again from there when the walk reaches it.
  void grow() {
    const std::size_t old_capacity = capacity_;
    const std::size_t capacity = old_capacity == 0 ? std::size_t{64} : 2 * old_capacity;
    if (old_capacity == 0) {
      table_ = memory::ZeroedMapping(capacity * sizeof(Slot), /*huge_pages=*/true);
    } else {
      table_.grow(capacity * sizeof(Slot));
    }
    slots_ = static_cast<Slot*>(table_.data());
    capacity_ = capacity;
    mask_ = capacity - 1;
    if (old_capacity == 0) return;
    std::size_t empty = 0;
    while (slots_[empty].key != 0) ++empty;  // there is one: the table is at most 3/4 full
    for (std::size_t k = 1; k <= old_capacity; ++k) {
      const std::size_t j = (empty + k) & (old_capacity - 1);
      if (slots_[j].key == 0) continue;
      const Slot s = slots_[j];
      slots_[j].key = 0;
      std::size_t i = home(s.key);
      while (slots_[i].key != 0) i = (i + 1) & mask_;
      slots_[i] = s;
    }
  }

  memory::ZeroedMapping table_;  // zero bytes are empty slots
  Slot* slots_ = nullptr;
  std::size_t capacity_ = 0;
  std::size_t mask_ = 0;
  std::size_t size_ = 0;  // in slots_
  std::uint32_t senders_ = 0;
  memory::ZeroedMapping filter_memory_;
  Filter* filters_ = nullptr;
  Slot pending_[kBatch];
  std::size_t pending_size_ = 0;
};

}  // namespace clocksim::sim
