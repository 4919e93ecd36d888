// The world: nodes (clock model + algorithm object), the network and the fault schedule, driven by
// one event queue in true time. It carries out the effects algorithms describe and reports ticks
// and narrative events to its observers. It knows nothing of files.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "algorithms/core/algorithm.hpp"
#include "algorithms/core/effects.hpp"
#include "algorithms/core/panic_window.hpp"
#include "algorithms/core/rng.hpp"
#include "algorithms/registry.hpp"
#include "sim/clock/clock_model.hpp"
#include "sim/event_queue.hpp"
#include "sim/memory/huge_page_allocator.hpp"
#include "sim/network/network.hpp"
#include "sim/network/topology_cache.hpp"
#include "sim/queue/slot_stack.hpp"
#include "sim/scenario/spec.hpp"
#include "sim/time.hpp"
#include "sim/world/byzantine.hpp"
#include "sim/world/node_timers.hpp"
#include "sim/world/observer.hpp"

namespace clocksim::node {
struct Counters;
namespace wire {
class Keyring;
}
}  // namespace clocksim::node

namespace clocksim::sim {

struct WorldStats {
  std::uint64_t events_processed = 0;
  std::uint64_t messages_sent = 0;
  std::uint64_t messages_delivered = 0;
  std::uint64_t messages_lost = 0;          // by the network (loss, link down, partition, no route)
  std::uint64_t messages_to_down_node = 0;  // arrived at a crashed node
  std::uint64_t crashes = 0;
  std::uint64_t restarts = 0;
};

class World final : public TickView {
 public:
  // `topologies`, when given, supplies the topology (built once for the loader's check and the
  // world, or for a sweep's runs); not owned.
  explicit World(const scenario::ScenarioSpec& spec, TopologyCache* topologies = nullptr);
  ~World() override;
  World(const World&) = delete;
  World& operator=(const World&) = delete;

  void add_observer(Observer* observer) { observers_.push_back(observer); }
  // Whether the nodes run logical clocks (sync kind "logical"): only then does the world ask an
  // algorithm, after each dispatch, for the event it stamped (Observer::on_logical_event).
  bool logical() const { return logical_; }

  // Processes every event up to and including `until` (clamped to the scenario's end).
  void run_until(Time until);
  bool finished() const { return now_ >= end_ && queue_.empty() && probes_now_ == 0; }
  // The instant of the next event or probe, if any is pending: run_until may skip to it, since
  // nothing happens before it.
  std::optional<Time> next_event_time() {
    if (probes_now_ != 0) return now_;
    return queue_.next_time();
  }
  // Calls every observer's on_probe at true time t (not before now): an instant where a clock's
  // slope changes without an event (a slew ends, a wander step). Not counted as an event. A probe
  // comes after the events at t scheduled before it and before those scheduled after it.
  void schedule_probe(Time t);
  Time end() const { return end_; }

  // TickView
  Time now() const override { return now_; }
  NodeId node_count() const override { return static_cast<NodeId>(nodes_.size()); }
  NodeSnapshot node(NodeId id) const override;
  const std::vector<NodeSnapshot>& snapshot_all() const override;
  void role_changes(std::vector<NodeRole>& out) const override;
  const std::string& node_name(NodeId id) const override { return spec_.nodes[id].name; }
  std::int64_t offset_ns(NodeId id) const override;
  std::optional<double> clock_rate_ppm(NodeId id) const override { return nodes_[id].clock.rate_ppm(); }
  // Counted in the skew: up and not lying (a Byzantine clock is left out, as in the tick stats).
  bool is_up(NodeId id) const override { return nodes_[id].up && !(liars_.any() && liars_.lying(id)); }
  void read_up_clocks(std::vector<ClockReading>& out) const override;
  UpOffsets up_offsets() const override;

  const WorldStats& stats() const { return stats_; }
  // host: daemon: node `id`'s node-loop counters (packets in/out, drops by reason ...); null when
  // the node is down or the scenario hosts bare algorithms.
  const node::Counters* node_loop_counters(NodeId id) const;
  const Network& network() const { return *network_; }

 private:
  // Tests put a node's stable storage where no scenario can bring it (a Lamport clock at the end
  // of its range) before it starts.
  friend struct WorldTestAccess;
  // A pending event is 16 bytes whatever its kind: timers and ticks, most of a run's pending
  // events, carry no message. A message in flight waits in in_flight_ (its slot in `b`), which the
  // world prefetches together with the receiving node one event ahead.
  struct Event {
    enum class Kind : std::uint8_t { kStartAll, kDeliver, kDeliverDatagram, kTimer, kTick, kFault, kFaultEnd, kProbe };
    Kind kind;
    std::uint32_t node;  // deliver: the receiver
    std::uint32_t a;     // deliver: the sender; timer: timer id; fault: index
    std::uint32_t b;     // timer: node incarnation; deliver: its slot in in_flight_; datagram: in datagrams_
  };
  static_assert(sizeof(Event) <= 16, "a pending event carries no payload of its own");
  class HostedNode;  // host: daemon (sim/world/hosted_node.hpp)
  // Free-running nodes (sync "none", no election) share one stateless algorithm object; every
  // other algorithm object is the node's own.
  struct AlgorithmDeleter {
    void operator()(Algorithm* algorithm) const;
  };
  using AlgorithmPtr = std::unique_ptr<Algorithm, AlgorithmDeleter>;
  // Kept to two cache lines: the world prefetches the next event's node whole, and an idle node
  // of a 10^6-node world costs little more than this. The node's algorithm object is not here
  // but in algorithms_, by node id, so that its address can be read (and the object prefetched)
  // without waiting for the node to arrive.
  struct Node {
    ClockModel clock;
    NodeTimers timers;
    std::uint32_t incarnation = 0;
    // The highest election number this node started (its notes' ElectionId), handed to its next
    // incarnation as stable storage would (algorithms/core/election_id.hpp).
    std::uint32_t elections_started = 0;
    bool up = true;
  };
  static_assert(sizeof(Node) <= 128, "an idle node stays within two cache lines");

  void handle(const Event& ev);
  // Every event goes in through here: see probes_now_.
  EventHandle schedule(Time at, const Event& ev);
  void fire_probe();
  void prefetch_next_node();
  void start_node(NodeId id);
  void crash_node(NodeId id);
  void deliver(const Event& ev);
  void deliver_datagram(const Event& ev);
  void send_datagram(NodeId from, NodeId to, std::span<const std::uint8_t> bytes, const Message& carried);
  const Algorithm* algorithm_of(NodeId id) const;
  // host: daemon: node id's node loop and algorithm, else (or while it is down) null.
  HostedNode* hosted(NodeId id) const { return hosted_.empty() ? nullptr : hosted_[id].get(); }
  void fire_timer(const Event& ev);
  void read_reference(NodeId id);
  void apply_fault(std::uint32_t index, bool ending);
  class NodeEffectSink;
  void apply_effects(NodeId id);
  void report_logical_event(NodeId id);  // world_logical.cpp
  // After a hosted node's dispatch (host: daemon): its loop may drop a datagram without asking
  // the algorithm, whose last event is then an old one; only an event later than the kept one
  // (later_than_kept, as clocksyncd keeps them) is new. A restarted node goes on from the kept
  // one, so the rule holds across incarnations too.
  void report_hosted_logical_event(NodeId id);
  void keep_logical_state(NodeId id, const LogicalEvent& e);
  // Per node, from its reported logical events, for its next incarnation (logical clocks only:
  // the Node record stays small).
  std::vector<LogicalState> logical_kept_;
  void cancel_timer_event(NodeId id, TimerId timer);
  void arm_timer_event(NodeId id, TimerId timer, Time at);
  void send_one(NodeId from, NodeId to, const Message& msg);
  void report_routed(NodeId from, NodeId to, const Message& msg, const Delivery& d);
  void tick();
  void emit(NodeId node, const Note& note);
  // Node id's role or believed master may change from here on (it handles something, starts or
  // crashes): snapshot_all asks its algorithm again.
  void roles_may_change(NodeId id) { role_stale_[id >> 6] |= std::uint64_t{1} << (id & 63); }
  void roles_may_change_all() { std::fill(role_stale_.begin(), role_stale_.end(), ~std::uint64_t{0}); }
  std::unique_ptr<Algorithm> make_algorithm(NodeId id) const;
  bool free_running() const;

  const scenario::ScenarioSpec& spec_;
  std::vector<Node, memory::HugePageAllocator<Node>> nodes_;
  // host: algorithm: node i's algorithm object (null while it is down). A dense array of 8-byte
  // pointers, mostly in cache, where the Node holding it would be a miss to wait for first: the
  // world prefetches the next event's algorithm object together with its node.
  std::vector<AlgorithmPtr, memory::HugePageAllocator<AlgorithmPtr>> algorithms_;
  // host: daemon: node i's node loop, which owns its algorithm (null while it is down); empty
  // with host: algorithm, so that those worlds' node records do not carry the pointer.
  std::vector<std::unique_ptr<HostedNode>> hosted_;
  // host: daemon: node i's clock guard window as its last incarnation kept it, handed to the next
  // one as clocksyncd's state file would (algorithms/core/panic_window.hpp).
  std::vector<PanicWindowState> hosted_windows_;
  std::shared_ptr<const std::vector<NodeId>> members_;
  std::unique_ptr<Network> network_;
  EventQueue<Event> queue_;
  // Probes asked for at the current instant (most of them: the exact skew checker's look after
  // everything at an instant happened), kept out of the queue: they fire once no event at this
  // instant is left. Should an event at this instant be scheduled while some wait, they enter the
  // queue first, so they still come before it, as if they had been queued when asked for.
  std::uint32_t probes_now_ = 0;
  std::vector<Observer*> observers_;
  Effects effects_;  // reused for every dispatch: the hot path does not allocate
  WorldStats stats_;
  Time now_;
  Time end_;
  Duration tick_;
  std::uint64_t algorithm_seed_ = 0;
  std::map<std::uint32_t, NodeId> resolved_fault_nodes_;
  // The faults in force that hold a node down, a link down, or the network partitioned (in the
  // order they began: the latest partition is the one in force). Each fault holds for its own
  // interval: the end of one releases only its own hold, and a node, link or partition comes
  // back once nothing holds it. `restart`, `link_up` and `heal` release every hold.
  std::map<NodeId, std::vector<std::uint32_t>> down_holds_;
  std::map<std::pair<NodeId, NodeId>, std::vector<std::uint32_t>> link_holds_;
  std::vector<std::uint32_t> partitions_in_force_;
  // host: daemon: the cluster key derived from the seed, and datagrams in flight (free slots reused).
  std::unique_ptr<node::wire::Keyring> cluster_keys_;
  std::uint32_t cluster_id_ = 0;
  // host: daemon: each node's start-up epoch of its node loop's current (or last) run
  // (node/wire/freshness.hpp). Every node starts at t = 0 with epoch 1; a restart takes a larger one.
  std::vector<std::uint64_t> epochs_;
  std::vector<std::vector<std::uint8_t>> datagrams_;
  // The message each datagram carries, kept with logical clocks only: the causality record
  // learns from it which send a receive answers (on_message_delivered).
  std::vector<Message> datagram_messages_;
  // Messages in flight (host: algorithm), free slots reused last-freed first: the slot a delivery
  // frees is still in cache when its handler sends the next message.
  std::vector<Message, memory::HugePageAllocator<Message>> in_flight_;
  queue::SlotStack free_in_flight_;
  // The algorithm object prefetch_next_node asked to load for the event after the next one.
  const Algorithm* object_loading_ = nullptr;
  // From about this many nodes, their records and algorithm objects outgrow a core's L2 cache
  // (0.5-1 MB), and prefetching two events ahead pays for itself (measured on the star at 10^3
  // and 10^4 clients). Below it a sparse world is all in cache and is not prefetched for at all.
  static constexpr std::size_t kStagedPrefetchNodes = 4096;
  bool staged_prefetch_ = false;
  // Whether to prefetch at all (prefetch_next_node): the staged worlds and full meshes.
  bool prefetch_ = false;
  bool logical_ = false;
  std::vector<std::uint32_t> free_datagrams_;
  std::map<NodeId, Rng> reference_rngs_;  // nodes with a reference clock: its error stream
  LiarTable liars_;  // Byzantine clocks, falsifying what they send
  // snapshot_all's: the last snapshots, and one bit per node whose role and believed master in
  // them may be out of date. An algorithm changes only while it handles something, so the rest
  // are still right; the bits cost 1/8 byte a node, the snapshots are made on the first call.
  mutable std::vector<std::uint64_t> role_stale_;
  mutable std::vector<NodeSnapshot> snapshots_;
  // Re-reads into snapshots_ the role, believed master, up and faulty of every node whose bit is
  // set, clears the bits, and lists those nodes in `changed` if given.
  void refresh_roles(std::vector<NodeRole>* changed) const;
  std::vector<std::string> startup_warnings_;  // e.g. a disconnected topology
};

}  // namespace clocksim::sim
