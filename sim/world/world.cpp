#include "sim/world/world.hpp"

#include <algorithm>
#include <bit>
#include <cassert>
#include <cmath>
#include <stdexcept>
#include <utility>

#include "algorithms/core/effects_apply.hpp"
#include "algorithms/core/rng.hpp"
#include "algorithms/core/stable_state.hpp"
#include "algorithms/none/free_running.hpp"
#include "sim/distributions.hpp"
#include "sim/network/topology.hpp"
#include "node/wire/auth.hpp"
#include "sim/world/hosted_node.hpp"
#include "sim/world/node_params.hpp"

namespace clocksim::sim {

World::World(const scenario::ScenarioSpec& spec, TopologyCache* topologies)
    : spec_(spec),
      now_(Time::epoch()),
      end_(Time::epoch() + spec.duration),
      tick_(spec.tick),
      liars_(derive_seed(spec.seed, "byzantine")) {
  assert(tick_ > Duration::zero());
  const auto n = static_cast<NodeId>(spec.nodes.size());
  // Names stay in the spec (which outlives the world); a topology file's reader wants them
  // contiguous, only while it reads.
  std::vector<std::string> names;
  if (spec.topology.kind == scenario::TopologySpec::Kind::kFile) {
    names.reserve(n);
    for (const auto& ns : spec.nodes) names.push_back(ns.name);
  }

  auto members = std::make_shared<std::vector<NodeId>>(n);
  for (NodeId i = 0; i < n; ++i) (*members)[i] = i;
  members_ = std::move(members);

  // Each node's clock parameters come from its own stream: adding a node never changes another
  // node's draws.
  nodes_.reserve(n);
  for (NodeId i = 0; i < n; ++i) {
    nodes_.push_back(Node{ClockModel(draw_clock_params(spec, i)), {}, 0, 0, true});
  }
  algorithms_.resize(n);
  role_stale_.assign((static_cast<std::size_t>(n) + 63) / 64, ~std::uint64_t{0});
  staged_prefetch_ = n >= kStagedPrefetchNodes;
  if (spec.host == scenario::NodeHost::kDaemon) {
    hosted_.resize(n);
    hosted_windows_.resize(n);
    epochs_.assign(n, 1);
    // One cluster key for every node, drawn from its own stream of the seed: a run is
    // reproducible, and no other stream moves.
    SmallRng key_rng(derive_seed(spec.seed, "cluster-key"));
    std::vector<std::uint8_t> key(32);
    for (auto& byte : key) byte = static_cast<std::uint8_t>(key_rng() >> 56);
    // A cluster-wide key (key id 0) rather than per-pair keys: n² HMAC contexts at 10^4 nodes
    // would cost more than the simulation, and no simulated member forges another's packets.
    cluster_keys_ = std::make_unique<node::wire::Keyring>(node::wire::Keyring::shared(node::wire::ClusterKey(std::move(key))));
    cluster_id_ = static_cast<std::uint32_t>(derive_seed(spec.seed, "cluster-id"));
  }

  Topology topology = topologies ? Topology(*topologies->get(spec.topology, n, spec.seed, names))
                                 : build_topology(spec.topology, n, spec.seed, names);
  startup_warnings_ = std::move(topology.warnings);
  network_ = std::make_unique<Network>(std::move(topology), spec.links, n, spec.seed);
  // A full mesh's n(n - 1) links give each sender a row of link streams that leaves the cache
  // long before the node records do; a sparse small world stays in cache, where every hint
  // only costs, the queue's hints for its event slots too.
  prefetch_ = staged_prefetch_ || network_->topology().is_full_mesh();
  queue_.set_prefetch(prefetch_);
  logical_ = spec.algorithm.sync.kind == "logical";
  algorithm_seed_ = derive_seed(spec.seed, "algorithm");

  // Ordering at equal times is by insertion: starts (by node id), then faults in file order, then
  // the first tick, so that the row at t = 0 shows the faults at 0 s applied, as every later row
  // shows those at its time (ticks after the first are queued during the run, after them). The
  // starts are one queue entry (see handle): N entries would leave N slots resident for the rest
  // of the run.
  queue_.reserve(static_cast<std::size_t>(n) * 4 + 64);
  // Probes carry nothing: they are queued as bare keys (schedule_probe).
  queue_.set_bare_payload(Event{Event::Kind::kProbe, 0, 0, 0});
  if (n > 0) queue_.push(now_, Event{Event::Kind::kStartAll, 0, 0, 0});
  for (std::uint32_t f = 0; f < spec.faults.size(); ++f) {
    queue_.push(Time::epoch() + spec.faults[f].at, Event{Event::Kind::kFault, 0, f, 0});
    if (spec.faults[f].until) {
      queue_.push(Time::epoch() + *spec.faults[f].until, Event{Event::Kind::kFaultEnd, 0, f, 0});
    }
  }
  queue_.push(now_, Event{Event::Kind::kTick, 0, 0, 0});
}

World::~World() = default;

namespace {

// Stateless (every handler does nothing), so one object serves every free-running node of every
// world, in any thread.
Algorithm& shared_free_running() {
  static algorithms::FreeRunning instance;
  return instance;
}

}  // namespace

void World::AlgorithmDeleter::operator()(Algorithm* algorithm) const {
  if (algorithm != &shared_free_running()) delete algorithm;
}

// What make_stack builds for sync "none" alone: a FreeRunning.
bool World::free_running() const {
  return (spec_.algorithm.sync.kind.empty() || spec_.algorithm.sync.kind == "none") && spec_.algorithm.election.kind.empty();
}

std::unique_ptr<Algorithm> World::make_algorithm(NodeId id) const {
  algorithms::StackSetup setup;
  setup.membership.self = id;
  setup.membership.members = members_;
  // A restarted node is a new process: a fresh stream per incarnation.
  setup.seed = derive_seed(derive_seed(algorithm_seed_, static_cast<std::uint64_t>(id)),
                           static_cast<std::uint64_t>(nodes_[id].incarnation));
  setup.sync = spec_.algorithm.sync;
  setup.election = spec_.algorithm.election;
  if (!spec_.nodes[id].can_be_master) setup.can_be_master = false;
  setup.elections_before = nodes_[id].elections_started;
  if (id < logical_kept_.size()) setup.logical_before = logical_kept_[id];
  // No list on a full mesh: empty means every peer (as in clocksyncd), and listing N - 1
  // neighbours for each of N nodes would cost O(N^2) at start.
  if (!network_->topology().is_full_mesh()) {
    network_->topology().for_each_neighbor(id, [&setup](NodeId n) { setup.neighbours.push_back(n); });
  }
  if (const auto& h = spec_.nodes[id].hierarchy) {
    setup.servers = h->servers;
    setup.reference_clock = h->reference_error_ns.has_value();
  }
  return algorithms::make_stack(setup);
}

void World::run_until(Time until) {
  if (!startup_warnings_.empty()) {
    // Reported once observers are attached, at t = 0, before anything else happens.
    for (const auto& w : startup_warnings_) {
      Note warning(NoteWhat::kTopologyWarning);
      warning.text = w;
      emit(kNoNode, warning);
    }
    startup_warnings_.clear();
  }
  if (until > end_) until = end_;
  Time at;
  Event ev{};
  while (true) {
    if (probes_now_ != 0) {
      // Probes at now_ come after every event at now_ already queued, before anything later.
      const auto next = queue_.next_time();
      if ((!next || *next > now_) && now_ <= until) {
        --probes_now_;
        fire_probe();
        continue;
      }
    }
    if (!queue_.pop_until(until, at, ev)) break;
    assert(at >= now_);  // time never goes backwards
    now_ = at;
    if (ev.kind != Event::Kind::kProbe) ++stats_.events_processed;
    if (prefetch_) prefetch_next_node();
    handle(ev);
  }
  if (now_ < until) now_ = until;
}

// Called before the current event is handled: the next event's slot is in cache by now (the
// queue prefetches a bucket's slots as it moves in, and each pop the next one's), so start
// loading the node it goes to, its algorithm object, the message it delivers and the node's link
// filter (the node handling an event is the one that sends), which at 10^5+ nodes are cache
// misses, while this event is handled: all of them at once, as none of their addresses waits
// for another's line. A push by this event's handler can come first; the hint is then wasted,
// never wrong.
void World::prefetch_next_node() {
  // Further ahead, in stages, each reading only what the stage before loaded: two events on, the
  // entry of algorithms_ (at 10^6 nodes an 8 MB array); one event on, the algorithm object it
  // points to; for the next event, the parts that object owns (a protocol stack's layers).
  // Small worlds stay in cache, where the stages only cost: a small full mesh (whose link
  // streams do not stay in cache) gets the entry one event on; a small sparse world is not
  // prefetched for at all (prefetch_).
  const Algorithm* loading = nullptr;
  if (staged_prefetch_) {
    if (const Event* far = queue_.peek_ahead(2); far != nullptr && far->node < algorithms_.size()) {
      __builtin_prefetch(&algorithms_[far->node]);
    }
    if (const Event* after = queue_.peek_ahead(1); after != nullptr && after->node < algorithms_.size()) {
      loading = algorithms_[after->node].get();
      __builtin_prefetch(loading);  // a null or shared one: a harmless hint
      network_->prefetch_sender_row(after->node);
    }
  } else if (const Event* after = queue_.peek_ahead(1); after != nullptr && after->node < algorithms_.size()) {
    __builtin_prefetch(&algorithms_[after->node]);
  }
  const Algorithm* loaded = std::exchange(object_loading_, loading);
  const Event* next = queue_.peek_top();
  if (next == nullptr || next->node >= nodes_.size()) return;
  const char* p = reinterpret_cast<const char*>(&nodes_[next->node]);
  for (std::size_t line = 0; line < sizeof(Node); line += 64) __builtin_prefetch(p + line);
  if (staged_prefetch_) {
    // A node that receives a message is likely to answer its sender (a request's reply).
    network_->prefetch_sender_links(next->node, next->kind == Event::Kind::kDeliver ? next->a : kNoNode);
  } else {
    network_->prefetch_sender(next->node);
  }
  if (const Algorithm* a = algorithms_[next->node].get(); a != nullptr) {
    // Reading the object for its parts would wait for its line, unless it was asked for one
    // event ago (the usual case; a push since then can put another event first).
    if (a == loaded) a->prefetch_state();
    else __builtin_prefetch(a);
  }
  if (next->kind == Event::Kind::kDeliver && next->b < in_flight_.size()) {
    const char* m = reinterpret_cast<const char*>(&in_flight_[next->b]);
    __builtin_prefetch(m);
    __builtin_prefetch(m + sizeof(Message) - 1);
  }
}

void World::handle(const Event& ev) {
  switch (ev.kind) {
    case Event::Kind::kStartAll:
      // Every node's start in id order, counted as one event each. Nothing can come between two
      // of them: whatever a start schedules at t = 0 queues behind the tick and the faults.
      for (NodeId i = 0; i < nodes_.size(); ++i) start_node(i);
      stats_.events_processed += nodes_.size() - 1;  // run_until counted the entry once
      break;
    case Event::Kind::kDeliver: deliver(ev); break;
    case Event::Kind::kDeliverDatagram: deliver_datagram(ev); break;
    case Event::Kind::kTimer: fire_timer(ev); break;
    case Event::Kind::kTick: tick(); break;
    case Event::Kind::kFault: apply_fault(ev.a, false); break;
    case Event::Kind::kFaultEnd: apply_fault(ev.a, true); break;
    case Event::Kind::kProbe: fire_probe(); break;
  }
}

void World::fire_probe() {
  for (Observer* o : observers_) o->on_probe(*this);
}

void World::schedule_probe(Time t) {
  if (t > end_) return;
  if (t <= now_) {
    ++probes_now_;
    return;
  }
  queue_.push_bare(t);
}

EventHandle World::schedule(Time at, const Event& ev) {
  if (probes_now_ != 0 && at == now_) {
    for (; probes_now_ != 0; --probes_now_) queue_.push_bare(now_);
  }
  return queue_.push(at, ev);
}

std::int64_t World::offset_ns(NodeId id) const {
  // As node(): reading advances a clock's lazy wander, a pure function of (seed, t).
  return const_cast<ClockModel&>(nodes_[id].clock).local_ns(now_) - now_.ns();
}

void World::read_up_clocks(std::vector<ClockReading>& out) const {
  out.clear();
  const bool liars = liars_.any();
  for (NodeId i = 0; i < nodes_.size(); ++i) {
    const Node& n = nodes_[i];
    if (!n.up || (liars && liars_.lying(i))) continue;
    // As offset_ns(): reading advances a lazy wander, a pure function of (seed, t).
    ClockModel& clock = const_cast<ClockModel&>(n.clock);
    const std::int64_t offset = clock.local_ns(now_) - now_.ns();
    out.push_back(ClockReading{i, offset, clock.rate_ppm()});
  }
}

UpOffsets World::up_offsets() const {
  UpOffsets sums;
  const bool liars = liars_.any();
  for (NodeId i = 0; i < nodes_.size(); ++i) {
    const Node& n = nodes_[i];
    if (!n.up || (liars && liars_.lying(i))) continue;
    // As offset_ns(): reading advances a lazy wander, a pure function of (seed, t).
    sums.add(const_cast<ClockModel&>(n.clock).local_ns(now_) - now_.ns());
  }
  return sums;
}

const node::Counters* World::node_loop_counters(NodeId id) const {
  HostedNode* h = hosted(id);
  return h != nullptr ? &h->loop().counters() : nullptr;
}

const Algorithm* World::algorithm_of(NodeId id) const {
  if (const HostedNode* h = hosted(id)) return &h->algorithm();
  return algorithms_[id].get();
}

// A reference clock reads true time plus its error: the one place where true time reaches an
// algorithm, as a typed reading and only for nodes the scenario gives a reference clock.
void World::read_reference(NodeId id) {
  Node& node = nodes_[id];
  const auto& h = spec_.nodes[id].hierarchy;
  auto [it, fresh] = reference_rngs_.try_emplace(id, derive_seed(derive_seed(spec_.seed, "reference_clock"),
                                                                  static_cast<std::uint64_t>(id)));
  (void)fresh;
  ReferenceReading r;
  r.reference_ns = now_.ns() + std::llround(sample(*h->reference_error_ns, it->second));
  r.local = node.clock.read(now_);
  roles_may_change(id);
  effects_.clear();
  algorithms_[id]->on_reference(r.local, r, effects_);
  apply_effects(id);
}

void World::start_node(NodeId id) {
  Node& node = nodes_[id];
  node.up = true;
  roles_may_change(id);
  for (Observer* o : observers_) o->on_node_started(now_, id);
  if (spec_.host == scenario::NodeHost::kDaemon) {
    // The world plans every run's epoch, so each node starts knowing its peers' epochs as if the
    // hello exchange had completed: the first messages are fresh, as with host: algorithm, and
    // no hello draws a link latency. A restarted node knows its peers' epochs, but they do not
    // know its new one: what they send it is stale until the hello exchange, as in clocksyncd.
    std::uint64_t& epoch = epochs_[id];
    if (node.incarnation > 0) epoch = std::max(epoch + 1, static_cast<std::uint64_t>(now_.ns()) + 1);
    HostedNode& h = *(hosted_[id] = std::make_unique<HostedNode>(*this, id, make_algorithm(id), epoch));
    for (NodeId peer = 0; peer < nodes_.size(); ++peer) {
      if (peer != id) h.loop().learn_peer_epoch(peer, epochs_[peer]);
    }
    h.loop().start();
    if (logical_) report_hosted_logical_event(id);
    return;
  }
  Algorithm& algorithm = *(algorithms_[id] = free_running() ? AlgorithmPtr(&shared_free_running())
                                                             : AlgorithmPtr(make_algorithm(id).release()));
  effects_.clear();
  algorithm.on_start(node.clock.read(now_), effects_);
  apply_effects(id);
}

void World::crash_node(NodeId id) {
  Node& node = nodes_[id];
  // A crash loses the process: its timers and its state. The hardware clock keeps running.
  node.timers.for_each([this](const NodeTimers::Armed& a) { queue_.cancel(a.handle); });
  node.timers.clear();
  algorithms_[id].reset();
  if (!hosted_.empty()) hosted_[id].reset();
  node.up = false;
  roles_may_change(id);
  ++node.incarnation;
}

void World::deliver(const Event& ev) {
  // A copy: its slot is free again at once, for whatever the handler sends.
  const Message msg = in_flight_[ev.b];
  free_in_flight_.push(ev.b);
  Node& node = nodes_[ev.node];
  if (!node.up) {
    ++stats_.messages_to_down_node;
    return;
  }
  ++stats_.messages_delivered;
  for (Observer* o : observers_) o->on_message_delivered(now_, ev.a, ev.node, msg);
  roles_may_change(ev.node);
  effects_.clear();
  algorithms_[ev.node]->on_message(node.clock.read(now_), ev.a, msg, effects_);
  apply_effects(ev.node);
}

void World::fire_timer(const Event& ev) {
  Node& node = nodes_[ev.node];
  if (!node.up || node.incarnation != ev.b) return;  // cancelled with the crash
  const EventHandle armed = node.timers.take(ev.a);
  assert(armed != EventHandle{});
  if (armed == EventHandle{}) return;
  roles_may_change(ev.node);
  if (HostedNode* h = hosted(ev.node)) {
    h->loop().on_timer(ev.a);
    if (logical_) report_hosted_logical_event(ev.node);
    return;
  }
  effects_.clear();
  algorithms_[ev.node]->on_timer(node.clock.read(now_), ev.a, effects_);
  apply_effects(ev.node);
}

void World::deliver_datagram(const Event& ev) {
  Node& node = nodes_[ev.node];
  if (!node.up) {
    ++stats_.messages_to_down_node;
  } else {
    ++stats_.messages_delivered;
    roles_may_change(ev.node);
    if (logical_) {
      for (Observer* o : observers_) o->on_message_delivered(now_, ev.a, ev.node, datagram_messages_[ev.b]);
    }
    hosted(ev.node)->loop().on_datagram(datagrams_[ev.b]);
    if (logical_) report_hosted_logical_event(ev.node);
  }
  datagrams_[ev.b].clear();
  free_datagrams_.push_back(ev.b);
}

void World::send_datagram(NodeId from, NodeId to, std::span<const std::uint8_t> bytes, const Message& carried) {
  // The send event goes to the observers before its messages, as on the algorithm host.
  if (logical_) report_hosted_logical_event(from);
  ++stats_.messages_sent;
  for (Observer* o : observers_) o->on_message_sent(now_, from, to, carried);
  const Delivery d = network_->transmit(from, to, carried, now_);
  report_routed(from, to, carried, d);
  if (!d.delivered) {
    ++stats_.messages_lost;
    return;
  }
  std::uint32_t slot;
  if (free_datagrams_.empty()) {
    slot = static_cast<std::uint32_t>(datagrams_.size());
    datagrams_.emplace_back();
  } else {
    slot = free_datagrams_.back();
    free_datagrams_.pop_back();
  }
  datagrams_[slot].assign(bytes.begin(), bytes.end());
  if (logical_) {
    if (datagram_messages_.size() <= slot) datagram_messages_.resize(slot + 1);
    datagram_messages_[slot] = carried;
  }
  schedule(now_ + d.delay, Event{Event::Kind::kDeliverDatagram, to, from, slot});
}

void World::report_routed(NodeId from, NodeId to, const Message& msg, const Delivery& d) {
  const std::optional<Time> arrives = d.delivered ? std::optional<Time>(now_ + d.delay) : std::nullopt;
  for (Observer* o : observers_) o->on_message_routed(now_, from, to, msg, arrives);
}

void World::send_one(NodeId from, NodeId to, const Message& sent) {
  Message lie;
  const Message* m = &sent;
  if (liars_.any() && liars_.lying(from)) {
    lie = liars_.tamper(from, to, sent);
    m = &lie;
  }
  const Message& msg = *m;
  ++stats_.messages_sent;
  for (Observer* o : observers_) o->on_message_sent(now_, from, to, msg);
  const Delivery d = network_->transmit(from, to, msg, now_);
  report_routed(from, to, msg, d);
  if (!d.delivered) {
    ++stats_.messages_lost;
    return;
  }
  std::uint32_t slot;
  if (free_in_flight_.empty()) {
    slot = static_cast<std::uint32_t>(in_flight_.size());
    in_flight_.push_back(msg);
    free_in_flight_.cover(in_flight_.size());
  } else {
    slot = free_in_flight_.pop();
    in_flight_[slot] = msg;
  }
  schedule(now_ + d.delay, Event{Event::Kind::kDeliver, to, from, slot});
}

// Carries one node's effects out in true time; apply_effects (algorithms/core/effects_apply.hpp)
// fixes their order and meaning.
class World::NodeEffectSink final : public EffectSink {
 public:
  NodeEffectSink(World& world, NodeId id) : world_(world), id_(id), node_(world.nodes_[id]) {}

  void step_clock(Duration delta, CorrectionSource source) override {
    for (Observer* o : world_.observers_) o->on_clock_adjust(world_.now_, id_, delta, AdjustMode::kStep, source);
    node_.clock.step(world_.now_, delta);
  }
  void slew_clock(Duration delta, CorrectionSource source) override {
    for (Observer* o : world_.observers_) o->on_clock_adjust(world_.now_, id_, delta, AdjustMode::kSlew, source);
    node_.clock.slew(world_.now_, delta);
  }
  void set_rate_correction_ppm(double ppm) override {
    const double applied_ppm = node_.clock.set_rate_correction_ppm(world_.now_, ppm);
    for (Observer* o : world_.observers_) o->on_rate_correction(world_.now_, id_, applied_ppm);
  }
  void cancel_timer(TimerId timer) override { world_.cancel_timer_event(id_, timer); }
  void arm_timer(TimerId timer, Duration after_local) override {
    world_.arm_timer_event(id_, timer, world_.now_ + node_.clock.true_span(world_.now_, after_local));
  }
  void send(NodeId to, const Message& msg) override { world_.send_one(id_, to, msg); }
  void drop_send(NodeId, const Message&, SendDrop) override {}
  void note(const Note& n) override { world_.emit(id_, n); }

 private:
  World& world_;
  NodeId id_;
  Node& node_;
};

void World::cancel_timer_event(NodeId id, TimerId timer) {
  Node& node = nodes_[id];
  const EventHandle armed = node.timers.take(timer);
  if (armed == EventHandle{}) return;
  queue_.cancel(armed);
}

void World::arm_timer_event(NodeId id, TimerId timer, Time at) {
  Node& node = nodes_[id];
  const EventHandle h = schedule(at, Event{Event::Kind::kTimer, id, timer, node.incarnation});
  node.timers.add(timer, h);
}

void World::apply_effects(NodeId id) {
  assert(nodes_[id].up);  // a node that is down does nothing
  if (logical_) report_logical_event(id);
  NodeEffectSink sink(*this, id);
  clocksim::apply_effects(effects_, id, *members_, sink);
  if (effects_.reference_read_requested()) {
    const auto& h = spec_.nodes[id].hierarchy;
    // Answered at once, at the same instant: the effects above are all carried out.
    if (h && h->reference_error_ns) read_reference(id);
  }
}

void World::emit(NodeId node, const Note& note) {
  if (const auto number = election_started_by(note, node); number && node < nodes_.size()) {
    nodes_[node].elections_started = std::max(nodes_[node].elections_started, *number);
  }
  for (Observer* o : observers_) o->on_event(now_, node, note);
}

void World::tick() {
  for (Observer* o : observers_) o->on_tick(*this);
  const Time next = now_ + tick_;
  if (next <= end_) schedule(next, Event{Event::Kind::kTick, 0, 0, 0});
}

NodeSnapshot World::node(NodeId id) const {
  // Reading advances a clock's lazy wander; that is part of the model's state, not an effect, and
  // it is a pure function of (seed, t), so observing a clock never changes a result.
  auto& clock = const_cast<ClockModel&>(nodes_[id].clock);
  const Node& n = nodes_[id];
  const std::int64_t local = clock.local_ns(now_);
  NodeSnapshot s{};
  s.id = id;
  s.local_ns = local;
  s.offset_ns = local - now_.ns();
  s.up = n.up;
  s.faulty = liars_.any() && liars_.lying(id);
  const Algorithm* algorithm = n.up ? algorithm_of(id) : nullptr;
  s.role = algorithm ? algorithm->role() : Role::kNone;
  s.believed_master = algorithm ? algorithm->believed_master() : kNoNode;
  return s;
}

void World::refresh_roles(std::vector<NodeRole>* changed) const {
  const NodeId n = node_count();
  if (snapshots_.size() != n) {
    snapshots_.resize(n);
    for (NodeId i = 0; i < n; ++i) snapshots_[i].id = i;
  }
  const bool liars = liars_.any();
  for (std::size_t w = 0; w < role_stale_.size(); ++w) {
    // Most words are zero at 10^5 nodes: a tick visits only the nodes that handled something.
    for (std::uint64_t bits = std::exchange(role_stale_[w], 0); bits != 0; bits &= bits - 1) {
      const NodeId i = static_cast<NodeId>(w * 64 + static_cast<std::size_t>(std::countr_zero(bits)));
      if (i >= n) break;
      const Node& node = nodes_[i];
      NodeSnapshot& s = snapshots_[i];
      s.up = node.up;
      s.faulty = liars && liars_.lying(i);
      const Algorithm* algorithm = node.up ? algorithm_of(i) : nullptr;
      s.role = algorithm ? algorithm->role() : Role::kNone;
      s.believed_master = algorithm ? algorithm->believed_master() : kNoNode;
      if (changed) changed->push_back(NodeRole{i, s.role, s.believed_master, s.up, s.faulty});
    }
  }
}

void World::role_changes(std::vector<NodeRole>& out) const {
  out.clear();
  refresh_roles(&out);
}

const std::vector<NodeSnapshot>& World::snapshot_all() const {
  refresh_roles(nullptr);
  const NodeId n = node_count();
  for (NodeId i = 0; i < n; ++i) {
    // As node(): reading advances a clock's lazy wander, a pure function of (seed, t).
    auto& clock = const_cast<ClockModel&>(nodes_[i].clock);
    NodeSnapshot& s = snapshots_[i];
    const std::int64_t local = clock.local_ns(now_);
    s.local_ns = local;
    s.offset_ns = local - now_.ns();
  }
  return snapshots_;
}

void World::apply_fault(std::uint32_t index, bool ending) {
  const scenario::FaultSpec& f = spec_.faults[index];
  // Faults are rare: whatever one does to a node's process (a graceful stop's goodbye, a crash, a
  // restart, a Byzantine clock), every snapshot is taken afresh after it.
  roles_may_change_all();
  using K = scenario::FaultSpec::Kind;
  switch (f.kind) {
    case K::kCrash:
    case K::kRestart: {
      const bool crash = (f.kind == K::kCrash) != ending;
      NodeId target = f.node;
      if (f.node_is_master) {
        // "crash: master" means whoever is master when the fault fires (lowest id if several);
        // its restart (until:) brings back that same node.
        if (!ending) {
          target = kNoNode;
          for (NodeId i = 0; i < nodes_.size(); ++i) {
            const Algorithm* algorithm = algorithm_of(i);
            if (nodes_[i].up && algorithm && algorithm->role() == Role::kMaster) {
              target = i;
              break;
            }
          }
          resolved_fault_nodes_[index] = target;
        } else {
          target = resolved_fault_nodes_.count(index) ? resolved_fault_nodes_[index] : kNoNode;
        }
        if (target == kNoNode) {
          const NoteWhat what = crash ? (f.graceful ? NoteWhat::kNoMasterToStop : NoteWhat::kNoMasterToCrash)
                                      : (f.graceful ? NoteWhat::kNoStoppedMasterToRestart
                                                    : NoteWhat::kNoCrashedMasterToRestart);
          emit(kNoNode, Note(what));
          return;
        }
      }
      Node& node = nodes_[target];
      std::vector<std::uint32_t>& holds = down_holds_[target];
      if (f.kind == K::kRestart) {
        holds.clear();
      } else if (crash) {
        holds.push_back(index);
      } else {
        std::erase(holds, index);
        if (!holds.empty()) return;  // another crash or stop is still in force
      }
      if (crash) {
        if (!node.up) return;
        const Algorithm* algorithm = algorithm_of(target);
        const bool was_master = algorithm && algorithm->role() == Role::kMaster;
        // The stop is told first: its goodbye (a master's LEAVE) is part of what follows it, and
        // a failover counts the messages sent from the loss of the master on.
        emit(target, Note(f.graceful ? NoteWhat::kStopped : NoteWhat::kCrashed)
                         .because(was_master ? NoteWhy::kWasMaster : NoteWhy::kNone));
        if (HostedNode* h = hosted(target); f.graceful && h != nullptr) {
          h->loop().shutdown();
        } else if (f.graceful && algorithms_[target]) {
          // A graceful stop, like the daemon's SIGTERM: the algorithm may say goodbye (a master
          // broadcasts LEAVE) before the process is gone; what it sends is delivered as usual.
          effects_.clear();
          algorithms_[target]->on_shutdown(node.clock.read(now_), effects_);
          apply_effects(target);
        }
        crash_node(target);
        ++stats_.crashes;
      } else {
        if (node.up) return;
        ++stats_.restarts;
        emit(target, Note(NoteWhat::kRestarted));
        start_node(target);
      }
      return;
    }
    case K::kLinkDown:
    case K::kLinkUp: {
      const bool down = (f.kind == K::kLinkDown) != ending;
      std::vector<std::uint32_t>& holds = link_holds_[std::minmax(f.a, f.b)];
      if (f.kind == K::kLinkUp) {
        holds.clear();
      } else if (down) {
        holds.push_back(index);
      } else {
        std::erase(holds, index);
        if (!holds.empty()) return;  // another link_down of this link is still in force
      }
      if (network_->link_up(f.a, f.b) == !down) return;
      network_->set_link_up(f.a, f.b, !down);
      emit(f.a, Note(down ? NoteWhat::kLinkDown : NoteWhat::kLinkRestored).with_peer(f.b));
      return;
    }
    case K::kPartition:
    case K::kHeal: {
      const bool partition = (f.kind == K::kPartition) != ending;
      std::uint32_t in_force = index;
      if (f.kind == K::kHeal) {
        partitions_in_force_.clear();
      } else if (partition) {
        partitions_in_force_.push_back(index);
      } else {
        const bool was_in_force = !partitions_in_force_.empty() && partitions_in_force_.back() == index;
        std::erase(partitions_in_force_, index);
        if (!was_in_force) return;  // a later partition replaced this one and is still in force
        if (!partitions_in_force_.empty()) in_force = partitions_in_force_.back();
      }
      if (!partitions_in_force_.empty()) {
        const scenario::FaultSpec& p = spec_.faults[in_force];
        network_->set_partition(p.groups);
        Note partitioned(NoteWhat::kPartitioned);
        for (const auto& g : p.groups) partitioned.with_group(g);
        emit(kNoNode, partitioned);
      } else {
        network_->heal();
        emit(kNoNode, Note(NoteWhat::kHealed));
      }
      return;
    }
    case K::kByzantine: {
      if (ending) {
        liars_.stop(index);
        emit(f.node, Note(NoteWhat::kByzantineEnds));
      } else {
        liars_.start(index, f.node, f.byzantine);
        emit(f.node, Note(NoteWhat::kByzantineStarts)
                         .because(f.byzantine.mode == scenario::ByzantineSpec::Mode::kTwoFaced ? NoteWhy::kTwoFaced
                                                                                                : NoteWhy::kArbitrary)
                         .with_value(f.byzantine.lie));
      }
      return;
    }
    case K::kClockStep: {
      if (ending) return;
      nodes_[f.node].clock.inject_step(now_, f.step);
      emit(f.node, Note(NoteWhat::kClockStepped).with_value(f.step));
      return;
    }
  }
}

}  // namespace clocksim::sim
