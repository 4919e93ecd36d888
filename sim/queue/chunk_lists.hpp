// Lists of trivially copyable entries kept in 128-byte chunks from one pool with a free list: the
// buckets of the ladder queue (ladder_queue.hpp) and of the certificate queue
// (sim/output/radix_due_queue.hpp), whose entries move from list to list in batches.
//
// Memory follows what the lists hold: a vector per list would keep its largest size for good, and
// entries pass through many lists. The links between chunks live apart from the chunks, in a
// small array that stays in cache: a chunk is written when its list is filled and read again only
// when the list moves, often long after and out of cache, so a link kept inside it would make a
// walk over a list one dependent miss per chunk, and taking a chunk from the free list a miss of
// its own. With the links apart, prefetch() names every chunk of a list to the memory system
// before a walk, and the misses overlap.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <type_traits>
#include <vector>

namespace clocksim::sim::queue {

template <class Entry>
class ChunkLists {
  static_assert(std::is_trivially_copyable_v<Entry>);

 public:
  static constexpr std::uint32_t kNoChunk = std::numeric_limits<std::uint32_t>::max();
  static constexpr std::size_t kChunkBytes = 128;
  static constexpr std::uint32_t kChunkEntries = sizeof(Entry) <= kChunkBytes ? kChunkBytes / sizeof(Entry) : 1;

  // The fill of the newest chunk sits here rather than in the chunk, so that an append reads only
  // the list (small, cached) and merely stores into the chunk, which may not be.
  struct List {
    std::uint32_t head = kNoChunk;  // newest chunk
    std::uint32_t head_count = 0;   // entries in it; every older chunk is full
    std::uint32_t count = 0;        // entries in the list
  };

  void append(List& list, const Entry& e) {
    if (list.head == kNoChunk || list.head_count == kChunkEntries) start_chunk(list);
    chunks_[list.head].entries[list.head_count++] = e;
    ++list.count;
  }

  // Calls f on each entry of `list`, newest chunk first. The chunks are found by index, so f may
  // append to other lists (growing the pool) if it takes the entry by value.
  template <class F>
  void walk(const List& list, F&& f) {
    walk_impl(*this, list, f);
  }
  template <class F>
  void walk(const List& list, F&& f) const {
    walk_impl(*this, list, f);
  }

  // Returns the list's chunks to the free list and empties it.
  void release(List& list) {
    while (list.head != kNoChunk) {
      const std::uint32_t next = next_[list.head];
      next_[list.head] = free_;
      free_ = list.head;
      list.head = next;
    }
    list.head_count = 0;
    list.count = 0;
  }

  // Starts loading every chunk of `list` (the links are in cache), so that a walk that follows
  // waits for them together rather than one after another.
  void prefetch(const List& list) const {
    for (std::uint32_t c = list.head; c != kNoChunk; c = next_[c]) {
      const char* p = reinterpret_cast<const char*>(&chunks_[c]);
      for (std::size_t off = 0; off < sizeof(Chunk); off += 64) __builtin_prefetch(p + off);
    }
  }

  std::size_t memory_bytes() const {
    return chunks_.capacity() * sizeof(Chunk) + next_.capacity() * sizeof(std::uint32_t);
  }

 private:
  struct alignas(64) Chunk {
    Entry entries[kChunkEntries];
  };

  // Puts an empty chunk at the head of `list`: needed once in kChunkEntries appends, and kept out
  // of append so that append is a few stores its callers inline, rather than a call that saves
  // and restores every register the pool's growth path uses.
  [[gnu::noinline]] void start_chunk(List& list) {
    std::uint32_t c;
    if (free_ != kNoChunk) {
      c = free_;
      free_ = next_[c];
    } else {
      if (chunks_.size() >= kNoChunk) throw std::length_error("ChunkLists: too many entries");
      c = static_cast<std::uint32_t>(chunks_.size());
      chunks_.emplace_back();
      next_.push_back(kNoChunk);
    }
    next_[c] = list.head;
    list.head = c;
    list.head_count = 0;
  }

  template <class Self, class F>
  static void walk_impl(Self& self, const List& list, F& f) {
    std::uint32_t n = list.head_count;
    for (std::uint32_t c = list.head; c != kNoChunk; c = self.next_[c]) {
      for (std::uint32_t j = 0; j < n; ++j) f(self.chunks_[c].entries[j]);
      n = kChunkEntries;
    }
  }

  std::vector<Chunk> chunks_;
  std::vector<std::uint32_t> next_;  // chunk c's next (older, full) chunk in its list, or in the free list
  std::uint32_t free_ = kNoChunk;
};

}  // namespace clocksim::sim::queue
