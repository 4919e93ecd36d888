// The simulator's pending-event set: ordered by (time, insertion sequence), O(1) cancellation.
//
// Layout. The ordering structure (the Index policy) holds only 16-byte keys {time_ns, seq <<
// slot_bits | slot}. Sequence numbers are unique, so comparing (time_ns, id) is comparing
// (time, seq): deterministic FIFO among equal times. Payloads sit in a slot array with
// (generation, state) for cancellation, recycled through a LIFO free list (the slot a pop frees
// is the one the handler's next push reuses, still in cache); each pop prefetches the slot of the
// event expected next. With a heap index, a pop and the handler's next push are one sift
// (kFusedPopPush below). A bare event (push_bare: the world's probes, which carry nothing) has a
// key and no slot. Keys rather than key+payload entries in the index: measured faster on PHOLD
// (heap sift-downs move half the bytes) and the calendar queue's buckets shrink. When the slot count outgrows slot_bits, or the sequence
// space (2^(64 - slot_bits), about 10^12 events with the default 24 bits) runs out, the queue
// renumbers the pending events in order (O(n log n), rare) instead of failing.
//
// Cancellation. A handle is (slot, generation). cancel() marks the slot cancelled in O(1) and
// leaves its entry in the index as a tombstone; pop()/next_time() discard tombstones they meet
// (and look at slots for cancellation only while some tombstone exists). An index that moves its
// entries in batches (the ladder) is told of each cancellation and drops the tombstone when it
// next moves it, so most never reach the top (kDropsMarked). Once tombstones outnumber live events
// (and are at least kCompactMin) the index is compacted in O(n), so a long run full of re-armed
// timers keeps index size <= 2 * live + kCompactMin. A slot is recycled only when its tombstone
// leaves the index, so a stale key can never be mistaken for a newer event. Generations are
// 32-bit: a handle kept across 2^32 reuses of its slot could alias.
//
// Choice of the default Index: queue::LadderQueue, by measurement on four workload shapes (PHOLD,
// bursty rounds, timer-heavy failure detectors; bench/run.sh, docs/performance.md "Queues on four
// shapes"): it is the fastest on each shape once more than a few thousand events are pending,
// because its sifts stay in a heap of a few dozen entries and everything else is an append,
// where a heap of 10^6 entries takes a cache miss on most of its levels. It costs about 34 more
// bytes per pending event than the heap (chunked buckets and its far list). The heaps
// (queue::BinaryHeap, queue::QuaternaryHeap: O(log n) whatever the time distribution, 16 bytes of
// key per pending event, and a pop fused with the next push) and queue::CalendarQueue stay
// available: EventQueue<Payload, queue::BinaryHeap>. The order of events is the same under all
// of them: (time, insertion sequence).
#pragma once

#include <algorithm>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <stdexcept>
#include <type_traits>
#include <vector>

#include "sim/memory/huge_page_allocator.hpp"
#include "sim/queue/calendar_queue.hpp"
#include "sim/queue/dary_heap.hpp"
#include "sim/queue/event_key.hpp"
#include "sim/queue/ladder_queue.hpp"
#include "sim/queue/slot_stack.hpp"
#include "sim/time.hpp"

namespace clocksim::sim {

struct EventHandle {
  static constexpr std::uint32_t kInvalidSlot = std::numeric_limits<std::uint32_t>::max();
  std::uint32_t slot = kInvalidSlot;
  std::uint32_t generation = 0;  // 0 is never a live generation
  friend constexpr bool operator==(EventHandle, EventHandle) = default;
};
static_assert(std::is_trivially_copyable_v<EventHandle>);

template <class Payload, template <class> class Index = queue::LadderQueue>
class EventQueue {
  static_assert(std::is_trivially_copyable_v<Payload>, "payloads are copied around by value");

 public:
  static constexpr unsigned kDefaultSlotBits = 24;
  static constexpr std::size_t kCompactMin = 256;

  // min_slot_bits only matters for tests: a large value shrinks the sequence space so that the
  // renumbering path runs often.
  explicit EventQueue(unsigned min_slot_bits = kDefaultSlotBits) { set_slot_bits(min_slot_bits); }

  EventHandle push(Time at, const Payload& payload) {
    assert(at.ns() >= last_pop_ns_ && "event scheduled before the last popped event");
    if (free_.empty() && !cold_free_.empty()) {
      free_.push(cold_free_.back());
      cold_free_.pop_back();
    }
    // Slot numbers stay below slot_mask_, which marks a bare event (push_bare).
    if (free_.empty() && slots_.size() >= slot_mask_) {
      if (slots_.size() >= EventHandle::kInvalidSlot) throw std::length_error("EventQueue: too many events");
      rekey(slot_bits_ + 2);
    }
    if (next_seq_ > max_seq_) rekey(slot_bits_);
    std::uint32_t slot;
    if (!free_.empty()) {
      slot = free_.pop();
    } else {
      slot = static_cast<std::uint32_t>(slots_.size());
      slots_.push_back(Slot{});
      free_.cover(slots_.size());
    }
    Slot& s = slots_[slot];
    s.payload = payload;
    s.generation = s.generation == std::numeric_limits<std::uint32_t>::max() ? 1 : s.generation + 1;
    s.state = SlotState::kLive;
    push_entry(Entry{queue::EventKey{at.ns(), (next_seq_++ << slot_bits_) | slot}});
    ++live_;
    return EventHandle{slot, s.generation};
  }

  // An event without a slot, which pops as the payload set by set_bare_payload and cannot be
  // cancelled: for the world's probes (instants an observer asked to look at), which carry
  // nothing. The key alone goes to the index, its low bits all ones (no slot has that number), so
  // there is no slot to take, write, read back and free. Ordered like any other event.
  void push_bare(Time at) {
    assert(at.ns() >= last_pop_ns_ && "event scheduled before the last popped event");
    if (next_seq_ > max_seq_) rekey(slot_bits_);
    push_entry(Entry{queue::EventKey{at.ns(), (next_seq_++ << slot_bits_) | slot_mask_}});
    ++live_;
  }
  void set_bare_payload(const Payload& payload) { bare_payload_ = payload; }
  // Whether pops start loading the slots the next events will read (on by default). A queue whose
  // slots stay in cache (a world of a few thousand nodes) only pays for the hints: the owner
  // turns them off. The order of events does not depend on it.
  void set_prefetch(bool on) { prefetch_ = on; }

  // O(1). False (and no effect) when the event already fired, was cancelled, or the handle is
  // default-constructed.
  bool cancel(EventHandle h) {
    if (h.slot >= slots_.size()) return false;
    Slot& s = slots_[h.slot];
    if (s.state != SlotState::kLive || s.generation != h.generation) return false;
    s.state = SlotState::kCancelled;
    if constexpr (kDropsMarked) index_.mark_dead(h.slot);
    --live_;
    ++dead_;
    if (dead_ > live_ && dead_ >= kCompactMin) purge_cancelled();
    return true;
  }

  // The earliest live event by (time, seq); false when there is none.
  bool pop(Time& at, Payload& payload) {
    return pop_until(Time::from_ns(std::numeric_limits<std::int64_t>::max()), at, payload);
  }

  // pop() if the earliest live event is due at or before `limit`, else false and no change: what
  // next_time() and then pop() do, with one look at the top instead of two.
  bool pop_until(Time limit, Time& at, Payload& payload) {
    const Entry* top = live_top();
    if (top == nullptr) return false;
    const queue::EventKey key = top->key;
    if (key.time_ns > limit.ns()) return false;
    if constexpr (kLoadsAhead) if (prefetch_) prefetch_loaded_slots();
    assert(key.time_ns >= last_pop_ns_ && "event queue went backwards in time");
    last_pop_ns_ = key.time_ns;
    at = Time::from_ns(key.time_ns);
    if (const std::uint64_t low = key.id & slot_mask_; low != slot_mask_) {
      const auto slot = static_cast<std::uint32_t>(low);
      Slot& s = slots_[slot];  // prefetched by the previous pop
      assert(s.state == SlotState::kLive);
      payload = s.payload;
      s.state = SlotState::kFree;
      free_.push(slot);
    } else {
      payload = bare_payload_;
    }
    if constexpr (kFusedPopPush) {
      top_taken_ = true;
    } else {
      index_.pop();
    }
    --live_;
    if (prefetch_) {
      prefetch_top_slot();
      prefetch_second_free_slot();
      if constexpr (kDropsMarked) prefetch_cold_free_slot();
    }
    return true;
  }

  // Time of the earliest live event, discarding tombstones on top.
  std::optional<Time> next_time() {
    const Entry* top = live_top();
    if (top == nullptr) return std::nullopt;
    return Time::from_ns(top->key.time_ns);
  }

  // The payload of the event expected next (possibly a cancelled one, or not the next one if a
  // push comes first), or null; for prefetching what the next event will touch. Never changes
  // what pop() returns.
  const Payload* peek_top() {
    const Entry* e = expected_top();
    return e == nullptr ? nullptr : payload_of(e->key.id);
  }

  // The payload of the event expected `n` events after the next one (n >= 1), as far as the
  // index's loaded batch tells (kLoadsAhead), else null: a hint for prefetching further ahead,
  // which may name a cancelled event or the wrong one. Its slot is usually in cache
  // (prefetch_loaded_slots). Never changes what pop() returns.
  const Payload* peek_ahead(std::size_t n) const {
    if constexpr (kLoadsAhead) {
      const auto ahead = index_.loaded_ahead();
      // A taken top is still the batch's first entry.
      const std::size_t i = n + (top_taken_ ? 1 : 0);
      if (i < ahead.size()) return payload_of(ahead[i].key.id);
    }
    return nullptr;
  }

  std::size_t size() const { return live_; }
  bool empty() const { return live_ == 0; }
  void reserve(std::size_t n) {
    index_.reserve(n);
    slots_.reserve(n);
  }

  // Introspection for tests and the benchmark.
  std::size_t tombstones() const { return dead_; }
  std::size_t index_size() const { return index_.size() - (top_taken_ ? 1 : 0); }
  std::size_t memory_bytes() const {
    return index_.memory_bytes() + slots_.capacity() * sizeof(Slot) +
           (free_.capacity() + cold_free_.capacity()) * sizeof(std::uint32_t);
  }
  unsigned slot_bits() const { return slot_bits_; }

 private:
  struct Entry {
    queue::EventKey key;
  };
  // With an index that can replace its top (the heaps), pop() only marks the top taken: the
  // handler of an event usually schedules one, and the push then sifts it down from the root in
  // place of the top (replace_top) instead of a pop's sift plus a push's. The index holds the
  // same set either way, and order is a function of the keys alone, so nothing else can tell.
  // Every other use of the index first settles the pop (settle_top).
  static constexpr bool kFusedPopPush = requires(Index<Entry>& index, const Entry& e) {
    index.replace_top(e);
    index.next_after_top();
  };
  // An index that moves its entries into a sorted near part in batches (the ladder) names the
  // batch when it moves in (prefetch_loaded_slots).
  static constexpr bool kLoadsAhead = requires(const Index<Entry>& index) {
    index.loads();
    index.loaded_ahead();
  };
  // An index that drops cancelled entries as it moves them (the ladder: mark_dead) hands back
  // their ids, whose slots are recycled then rather than when a tombstone reaches the top.
  static constexpr bool kDropsMarked = requires(Index<Entry>& index, std::vector<std::uint64_t>& out) {
    index.mark_dead(std::uint64_t{0});
    index.unmark(std::uint64_t{0});
    index.take_dropped(out);
    index.has_dropped();
    index.set_mark_mask(std::uint64_t{0});
  };
  enum class SlotState : std::uint8_t { kFree, kLive, kCancelled };
  struct Slot {
    Payload payload;
    std::uint32_t generation = 0;
    SlotState state = SlotState::kFree;
  };

  void push_entry(const Entry& entry) {
    if constexpr (kFusedPopPush) {
      if (top_taken_) {
        top_taken_ = false;
        index_.replace_top(entry);
        return;
      }
    }
    index_.push(entry);
  }

  const Payload* payload_of(std::uint64_t id) const {
    const std::uint64_t slot = id & slot_mask_;
    return slot == slot_mask_ ? &bare_payload_ : &slots_[slot].payload;
  }

  // The next pop reads the slot of the event expected on top: start loading it while the caller
  // handles this one, so that the pop (and the world's prefetch of what the event touches) does
  // not wait for a cache miss.
  void prefetch_top_slot() {
    const Entry* e = expected_top();
    if (e == nullptr || (e->key.id & slot_mask_) == slot_mask_) return;
    const Slot* s = &slots_[e->key.id & slot_mask_];
    __builtin_prefetch(s);
    // A payload larger than a line (a caller's choice; the world's are 16 bytes) spans two.
    if constexpr (sizeof(Slot) > 64) __builtin_prefetch(reinterpret_cast<const char*>(s) + sizeof(Slot) - 1);
  }

  // A handler usually pushes more than one event: the first takes the slot the pop just freed,
  // still in cache; the second takes the one below it on the free list, whose line left the
  // cache long ago. Start loading it now.
  void prefetch_second_free_slot() const {
    if (free_.size() >= 2) __builtin_prefetch(&slots_[free_.below_top()], 1);
  }

  // Once the free list runs low, pushes take the slots of dropped tombstones, cold by nature:
  // the next one is loaded some events before it is taken (the same line again until then, a hit).
  void prefetch_cold_free_slot() const {
    if (free_.size() <= 2 && !cold_free_.empty()) __builtin_prefetch(&slots_[cold_free_.back()], 1);
  }

  // When a batch of entries has just moved into the index's near part, starts loading all of
  // their slots: they are random lines of a large array, needed one by one over the next few
  // dozen pops, and fetched together their misses overlap. Each pop then finds the next event's
  // slot in cache, so the caller can read it (and prefetch what it touches) a whole event ahead.
  void prefetch_loaded_slots() {
    if (index_.loads() == loads_seen_) return;
    loads_seen_ = index_.loads();
    for (const Entry& e : index_.loaded_ahead()) __builtin_prefetch(payload_of(e.key.id));
  }

  // The entry on top once a taken top is settled (without settling it where the index can tell),
  // or null.
  const Entry* expected_top() {
    if constexpr (kFusedPopPush) {
      if (top_taken_) {
        if (const Entry* next = index_.next_after_top()) return next;
        // The index cannot name it without completing the pop (the ladder, whose near part is
        // down to the taken top): complete it, as the next pop would.
        settle_top();
      }
    }
    if (index_.empty()) return nullptr;
    const Entry* top = &index_.top();
    if constexpr (kDropsMarked) reap_dropped();
    return top;
  }

  void settle_top() {
    if constexpr (kFusedPopPush) {
      if (top_taken_) {
        top_taken_ = false;
        index_.pop();
      }
    }
  }

  // Recycles the slots of the tombstones the index dropped. They go to a list of their own, used
  // once the usual one is empty: their lines left the cache long ago, while the slot a pop just
  // freed (the usual list's last) is still there for the handler's push.
  void reap_dropped() {
    if (index_.has_dropped()) reap_dropped_now();
  }
  [[gnu::noinline]] void reap_dropped_now() {
    reaped_.clear();
    index_.take_dropped(reaped_);
    // The slots are not touched here (their lines are long out of the cache): a free slot's state
    // is read by nothing but cancel(), to which kCancelled and kFree say the same, and push()
    // rewrites it.
    for (const std::uint64_t id : reaped_) {
      const auto slot = static_cast<std::uint32_t>(id & slot_mask_);
      assert(slots_[slot].state == SlotState::kCancelled);
      cold_free_.push_back(slot);
      --dead_;
    }
  }

  // The index's top once a taken top is settled and the tombstones on top are discarded, or null
  // when nothing is pending: one look at the index for both.
  const Entry* live_top() {
    settle_top();
    while (!index_.empty()) {
      const Entry& top = index_.top();
      if constexpr (kDropsMarked) reap_dropped();
      if (dead_ == 0) return &top;  // no tombstone anywhere
      const std::uint64_t low = top.key.id & slot_mask_;
      if (low == slot_mask_) return &top;  // a bare event: never cancelled
      const auto slot = static_cast<std::uint32_t>(low);
      if (slots_[slot].state != SlotState::kCancelled) return &top;
      index_.pop();
      if constexpr (kDropsMarked) index_.unmark(slot);
      slots_[slot].state = SlotState::kFree;
      free_.push(slot);
      --dead_;
    }
    return nullptr;
  }

  void set_slot_bits(unsigned bits) {
    assert(bits >= 1 && bits <= 62);
    slot_bits_ = bits;
    slot_mask_ = (std::uint64_t{1} << bits) - 1;
    max_seq_ = (std::uint64_t{1} << (64 - bits)) - 1;
    if constexpr (kDropsMarked) index_.set_mark_mask(slot_mask_);
  }

  void purge_cancelled() {
    settle_top();
    if constexpr (kDropsMarked) reap_dropped();
    index_.remove_if([this](const Entry& e) {
      const std::uint64_t low = e.key.id & slot_mask_;
      if (low == slot_mask_) return false;  // a bare event: never cancelled
      const auto slot = static_cast<std::uint32_t>(low);
      if (slots_[slot].state != SlotState::kCancelled) return false;
      if constexpr (kDropsMarked) index_.unmark(slot);
      slots_[slot].state = SlotState::kFree;
      free_.push(slot);
      return true;
    });
    dead_ = 0;
  }

  // Re-encodes every pending key with new_bits of slot and sequence numbers renumbered 0..n-1 in
  // their old order; relative order is unchanged, so the index stays valid.
  void rekey(unsigned new_bits) {
    purge_cancelled();
    std::vector<std::uint64_t> seqs;
    seqs.reserve(index_.size());
    index_.for_each([&](const Entry& e) { seqs.push_back(e.key.id >> slot_bits_); });
    std::sort(seqs.begin(), seqs.end());
    const unsigned old_bits = slot_bits_;
    const std::uint64_t old_mask = slot_mask_;
    set_slot_bits(new_bits);
    if (seqs.size() >= max_seq_) throw std::length_error("EventQueue: sequence space exhausted");
    index_.rewrite_ids([&](std::uint64_t id) {
      const auto rank = static_cast<std::uint64_t>(
          std::lower_bound(seqs.begin(), seqs.end(), id >> old_bits) - seqs.begin());
      const std::uint64_t low = id & old_mask;
      return (rank << slot_bits_) | (low == old_mask ? slot_mask_ : low);  // a bare event stays bare
    });
    next_seq_ = seqs.size();
  }

  Index<Entry> index_;
  std::vector<Slot, memory::HugePageAllocator<Slot>> slots_;
  queue::SlotStack free_;                 // LIFO: the slot a pop frees is the next push's
  std::vector<std::uint32_t> cold_free_;  // slots of dropped tombstones, used when free_ is empty
  std::size_t live_ = 0;
  std::size_t dead_ = 0;
  std::uint64_t next_seq_ = 0;
  unsigned slot_bits_ = 0;
  std::uint64_t slot_mask_ = 0;
  std::uint64_t max_seq_ = 0;
  std::int64_t last_pop_ns_ = std::numeric_limits<std::int64_t>::min();
  bool prefetch_ = true;
  bool top_taken_ = false;  // pop() took the top; the index still holds its key (kFusedPopPush)
  std::uint64_t loads_seen_ = 0;  // the index's loads() when its batch's slots were last prefetched
  std::vector<std::uint64_t> reaped_;  // scratch for reap_dropped
  Payload bare_payload_{};
};

}  // namespace clocksim::sim
