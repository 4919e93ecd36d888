// The schedulers the PHOLD benchmark compares, behind run_phold's two-call interface.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <queue>
#include <utility>
#include <vector>

#include "bench/phold.hpp"
#include "sim/event_queue.hpp"
#include "sim/queue/calendar_queue.hpp"
#include "sim/queue/ladder_queue.hpp"

namespace clocksim::bench {

// The reference: a bare std::priority_queue of (time, node) doing the same draws. It has
// no insertion sequence (ties break by node id). Timers are cancelled lazily, as a bare loop
// would: each carries its node's re-arm count, and a popped timer whose count is stale is skipped.
class BarePriorityQueue {
 public:
  void schedule(sim::Time at, std::uint32_t node) { heap_.push(Entry{at.ns(), node, 0}); }
  void rearm(sim::Time at, std::uint32_t node) {
    if (node >= armed_.size()) armed_.resize(node + 1, 0);
    heap_.push(Entry{at.ns(), node | kTimerBit, ++armed_[node]});
  }
  bool next(sim::Time& at, std::uint32_t& node) {
    while (!heap_.empty()) {
      const Entry e = heap_.top();
      heap_.pop();
      if ((e.node & kTimerBit) != 0 && e.generation != armed_[e.node & ~kTimerBit]) continue;
      at = sim::Time::from_ns(e.at_ns);
      node = e.node;
      return true;
    }
    return false;
  }
  std::size_t pending() const { return heap_.size(); }
  std::size_t memory_bytes() const { return heap_.capacity() * sizeof(Entry) + armed_.capacity() * sizeof(std::uint32_t); }

 private:
  struct Entry {
    std::int64_t at_ns;
    std::uint32_t node;
    std::uint32_t generation;
    // Short-circuit, so a sift-down branches rather than waiting on conditional moves
    // (bench/peers/bare_main.cpp says why).
    bool operator>(const Entry& o) const { return at_ns > o.at_ns || (at_ns == o.at_ns && node > o.node); }
  };
  struct Heap : std::priority_queue<Entry, std::vector<Entry>, std::greater<>> {
    std::size_t capacity() const { return c.capacity(); }
  };
  Heap heap_;
  std::vector<std::uint32_t> armed_;  // per node: how often its timer was armed
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
  void rearm(sim::Time at, std::uint32_t node) {
    if (node >= timers_.size()) timers_.resize(node + 1);
    queue_.cancel(timers_[node]);
    timers_[node] = queue_.push(at, PholdPayload{node | kTimerBit, 1, 0});
  }
  bool next(sim::Time& at, std::uint32_t& node) {
    PholdPayload p;
    if (!queue_.pop(at, p)) return false;
    node = p.node;
    return true;
  }
  std::size_t pending() const { return queue_.size(); }
  std::size_t memory_bytes() const { return queue_.memory_bytes() + timers_.capacity() * sizeof(sim::EventHandle); }

 private:
  sim::EventQueue<PholdPayload, Index> queue_;
  std::vector<sim::EventHandle> timers_;  // per node: its pending failure timer
};

}  // namespace clocksim::bench
