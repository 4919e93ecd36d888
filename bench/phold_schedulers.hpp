// The schedulers the PHOLD benchmark compares, behind run_phold's two-call interface.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <queue>
#include <utility>
#include <vector>

#include "sim/event_queue.hpp"
#include "sim/queue/calendar_queue.hpp"

namespace clocksim::bench {

// The reference: a bare std::priority_queue of (time, node) doing the same draws. It has
// no insertion sequence (ties break by node id) and no cancellation.
class BarePriorityQueue {
 public:
  void schedule(sim::Time at, std::uint32_t node) { heap_.emplace(at.ns(), node); }
  bool next(sim::Time& at, std::uint32_t& node) {
    if (heap_.empty()) return false;
    at = sim::Time::from_ns(heap_.top().first);
    node = heap_.top().second;
    heap_.pop();
    return true;
  }
  std::size_t pending() const { return heap_.size(); }
  std::size_t memory_bytes() const { return heap_.capacity() * sizeof(Entry); }

 private:
  using Entry = std::pair<std::int64_t, std::uint32_t>;
  struct Heap : std::priority_queue<Entry, std::vector<Entry>, std::greater<>> {
    std::size_t capacity() const { return c.capacity(); }
  };
  Heap heap_;
};

// What the engine will store per event: about 16 bytes (target node, event kind, one argument).
struct PholdPayload {
  std::uint32_t node;
  std::uint32_t kind;
  std::uint64_t arg;
};
static_assert(sizeof(PholdPayload) == 16);

template <template <class> class Index>
class EventQueueScheduler {
 public:
  void schedule(sim::Time at, std::uint32_t node) { queue_.push(at, PholdPayload{node, 0, 0}); }
  bool next(sim::Time& at, std::uint32_t& node) {
    PholdPayload p;
    if (!queue_.pop(at, p)) return false;
    node = p.node;
    return true;
  }
  std::size_t pending() const { return queue_.size(); }
  std::size_t memory_bytes() const { return queue_.memory_bytes(); }

 private:
  sim::EventQueue<PholdPayload, Index> queue_;
};

}  // namespace clocksim::bench
