// The true happened-before relation of a run (Lamport 1978, §2), known only to the simulator,
// and the check of the algorithms' logical timestamps against it.
//
// The recorder builds the event graph from what the engine saw: each node's stamped events in
// order, and for every receive the send of the message the engine actually delivered (matched by
// sender and message id on the wire, not by what the algorithm claims). Reachability in that
// graph is happened-before; it is computed with bitsets, independently of any vector clock.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "algorithms/core/logical_event.hpp"
#include "sim/time.hpp"
#include "sim/world/observer.hpp"

namespace clocksim::sim {

struct RecordedEvent {
  Time t;
  NodeId node = 0;
  LogicalEvent event;
  std::int64_t cause = -1;  // receive: index of the matching send; -1 otherwise
};

struct CausalityReport {
  std::uint64_t events = 0;
  std::uint64_t pairs = 0;                 // ordered pairs (a, b), a != b
  std::uint64_t happened_before = 0;       // pairs with a -> b
  std::uint64_t lamport_violations = 0;    // a -> b but L(a) >= L(b)
  std::uint64_t vector_false_order = 0;    // V(a) < V(b) but not a -> b
  std::uint64_t vector_missed_order = 0;   // a -> b but not V(a) < V(b)
  std::uint64_t unmatched_receives = 0;    // a receive whose message the engine never delivered
  // Happened-before pairs whose stamps were compared one by one: none when the stamps rise along
  // every edge (check() says why), all of them otherwise. What the check's cost turns on.
  std::uint64_t pairs_compared = 0;
  bool has_vectors = false;
  bool ok() const {
    return lamport_violations == 0 && vector_false_order == 0 && vector_missed_order == 0 && unmatched_receives == 0;
  }
};

class CausalityRecorder final : public Observer {
 public:
  explicit CausalityRecorder(NodeId nodes) : last_delivery_(nodes, {kNoNode, 0}), last_event_(nodes, -1) {}

  void on_tick(const TickView&) override {}
  void on_event(Time, NodeId, const Note&) override {}
  void on_message_sent(Time t, NodeId from, NodeId to, const Message& msg) override;
  void on_message_delivered(Time t, NodeId from, NodeId to, const Message& msg) override;
  void on_logical_event(Time t, NodeId node, const LogicalEvent& event) override;

  const std::vector<RecordedEvent>& events() const { return events_; }
  // Every ordered pair of events: O(E^2 / 64) words of reachability.
  CausalityReport check() const;

 private:
  std::vector<RecordedEvent> events_;
  std::vector<std::pair<NodeId, std::uint32_t>> last_delivery_;  // per node: (sender, message id)
  std::vector<std::int64_t> last_event_;                        // per node
  std::map<std::pair<NodeId, std::uint32_t>, std::int64_t> sends_;  // (sender, id) -> event
  std::uint64_t unmatched_ = 0;
};

}  // namespace clocksim::sim
