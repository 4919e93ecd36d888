#include "tests/daemon/sim/sim_cluster.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>

#include "algorithms/registry.hpp"
#include "daemon/state/state_file.hpp"

namespace clocksim::daemon::testing {

namespace wire = node::wire;

// One host for every node, as a cluster on loopback: the monotonic axis is the simulation's
// time, the wall clock a fixed distance ahead of it.
class SimCluster::Time final : public node::TimeSource {
 public:
  explicit Time(const SimCluster& c) : c_(c) {}
  node::MonoTime monotonic_now() override { return c_.now_; }
  node::WallTime wall_now() override { return node::WallTime::from_ns(c_.now_.ns() + kWallAhead_ns); }
  static constexpr std::int64_t kWallAhead_ns = 1'700'000'000'000'000'000;

 private:
  const SimCluster& c_;
};

struct SimCluster::Transport final : node::DatagramTransport {
  Transport(SimCluster& c, std::size_t from) : c(c), from(from) {}
  bool send_datagram(NodeId to, std::span<const std::uint8_t> bytes, const Message&) override {
    c.send(from, to, bytes);
    return true;
  }
  SimCluster& c;
  std::size_t from;
};

// Hears of each correction as the node loop carries it out.
struct SimCluster::Recorder final : node::NodeLoopObserver {
  Recorder(SimCluster& c, std::vector<AppliedCorrection>& out) : c(c), out(out) {}
  void on_clock_effect(const ClockEffect& applied) override {
    if (applied.kind == ClockEffect::Kind::kAdjust) out.push_back({c.now_, applied.delta});
  }
  SimCluster& c;
  std::vector<AppliedCorrection>& out;
};

struct SimCluster::Node {
  SimNodeSpec spec;
  std::vector<AppliedCorrection> corrections;
  std::unique_ptr<Recorder> recorder;
  std::unique_ptr<Transport> transport;
  std::unique_ptr<node::VirtualClock> clock;
  node::TimerTable timers;
  node::Logger log{nullptr};
  // The keys the running process read from its file (keyrings_ is the file), at start or at its
  // last reload; declared before the loop, which refers to them.
  std::unique_ptr<wire::Keyring> loaded_keys;
  // The open state file of the running process (spec.state_file); before the loop, which saves to it.
  std::unique_ptr<StateFile> state;
  std::unique_ptr<node::NodeLoop> loop;
};

SimCluster::SimCluster(std::vector<SimNodeSpec> nodes, DaemonConfig common, SimNetworkSpec net, std::uint64_t seed)
    : time_(std::make_unique<Time>(*this)), net_(net), rng_(derive_seed(seed, "sim_cluster")), seed_(seed), common_(std::move(common)) {
  // Pair keys drawn from the seed (a run is repeatable), one per pair of members.
  for (const auto& s : nodes) keyrings_[s.id];
  for (auto a = keyrings_.begin(); a != keyrings_.end(); ++a) {
    for (auto b = std::next(a); b != keyrings_.end(); ++b) {
      std::vector<std::uint8_t> key(32);
      for (auto& byte : key) byte = static_cast<std::uint8_t>(rng_());
      pair_keys_[{a->first, b->first, 1}] = key;
    }
  }
  write_keyrings(0);
  for (auto& s : nodes) {
    auto n = std::make_unique<Node>();
    n->spec = std::move(s);
    n->transport = std::make_unique<Transport>(*this, nodes_.size());
    n->recorder = std::make_unique<Recorder>(*this, n->corrections);
    nodes_.push_back(std::move(n));
  }
}

SimCluster::~SimCluster() = default;

NodeId SimCluster::id(std::size_t i) const { return nodes_.at(i)->spec.id; }

std::size_t SimCluster::index_of(NodeId id) const {
  for (std::size_t i = 0; i < nodes_.size(); ++i) {
    if (nodes_[i]->spec.id == id) return i;
  }
  throw std::out_of_range("no node " + std::to_string(id));
}

bool SimCluster::alive(std::size_t i) const { return nodes_.at(i)->loop != nullptr; }

void SimCluster::start_all() {
  for (std::size_t i = 0; i < nodes_.size(); ++i) start(i);
}

void SimCluster::start(std::size_t i) {
  Node& n = *nodes_.at(i);
  DaemonConfig cfg = common_;
  cfg.id = n.spec.id;
  cfg.listen = "127.0.0.1:0";
  cfg.control = "none";
  cfg.peers.clear();
  for (const auto& other : nodes_) {
    if (other.get() != &n) cfg.peers.push_back({other->spec.id, "127.0.0.1:1"});
  }
  for (const auto& s : n.spec.sets) {
    auto o = parse_param_override(s);
    if (auto* e = std::get_if<std::string>(&o)) throw std::invalid_argument(*e);
    cfg.params.push_back(std::get<ParamOverride>(o));
  }
  auto setup = build_stack_setup(cfg);
  if (auto* e = std::get_if<std::string>(&setup)) throw std::invalid_argument(*e);
  auto loop_cfg = build_loop_config(cfg);
  if (auto* e = std::get_if<std::string>(&loop_cfg)) throw std::invalid_argument(*e);
  n.timers = node::TimerTable{};
  n.clock = std::make_unique<node::VirtualClock>(node::VirtualClockParams{n.spec.drift_ppm, n.spec.offset, cfg.max_slew_ppm},
                                                 *time_);
  // The process reads its key file as it is now.
  n.loop.reset();
  n.state.reset();
  n.loaded_keys = n.spec.keyed ? std::make_unique<wire::Keyring>(keyrings_.at(n.spec.id)) : nullptr;
  auto& stack = std::get<algorithms::StackSetup>(setup);
  LoopConfig& loop_config = std::get<LoopConfig>(loop_cfg);
  if (!n.spec.state_file.empty()) {
    // As clocksyncd starts with a state file (daemon/cli/clocksyncd_main.cpp).
    auto opened = StateFile::open(n.spec.state_file, n.spec.id, nodes_.size());
    if (auto* e = std::get_if<std::string>(&opened)) throw std::runtime_error(*e);
    n.state = std::move(std::get<std::unique_ptr<StateFile>>(opened));
    stack.elections_before = n.state->saved().elections_started;
    stack.logical_before = n.state->saved().logical;
    auto epoch = n.state->begin_run(time_->wall_now().ns());
    if (auto* e = std::get_if<std::string>(&epoch)) throw std::runtime_error(*e);
    loop_config.epoch = std::get<std::uint64_t>(epoch);
    loop_config.boot = boot_;
  }
  n.loop = std::make_unique<node::NodeLoop>(node_loop_config(loop_config), algorithms::make_stack(stack),
                                      node::NodeLoopHost{*n.clock, *time_, *n.transport, n.timers, n.log, n.recorder.get(),
                                                         nullptr, nullptr, n.state.get()},
                                      n.loaded_keys.get());
  n.loop->start();
}

void SimCluster::write_keyrings(std::uint32_t below) {
  for (auto& [id, ring] : keyrings_) ring = wire::Keyring{};
  for (const auto& [pair, key] : pair_keys_) {
    const auto& [a, b, key_id] = pair;
    if (key_id < below) continue;
    const bool accept_only = accept_only_ids_.count(key_id) > 0;
    keyrings_.at(a).add(b, key_id, wire::ClusterKey(key), accept_only);
    keyrings_.at(b).add(a, key_id, wire::ClusterKey(key), accept_only);
  }
}

void SimCluster::add_keys(std::uint32_t key_id, bool accept_only) {
  if (accept_only) accept_only_ids_.insert(key_id);
  // From a stream of their own, so that rotating draws nothing from the network's.
  Rng draw(derive_seed(derive_seed(seed_, "sim_cluster_keys"), std::to_string(key_id)));
  for (auto a = keyrings_.begin(); a != keyrings_.end(); ++a) {
    for (auto b = std::next(a); b != keyrings_.end(); ++b) {
      std::vector<std::uint8_t> key(32);
      for (auto& byte : key) byte = static_cast<std::uint8_t>(draw());
      pair_keys_[{a->first, b->first, key_id}] = key;
    }
  }
  write_keyrings(retired_below_);
}

void SimCluster::activate_keys(std::uint32_t key_id) {
  accept_only_ids_.erase(key_id);
  write_keyrings(retired_below_);
}

void SimCluster::retire_keys_below(std::uint32_t key_id) {
  retired_below_ = key_id;
  write_keyrings(key_id);
}

void SimCluster::reload_keys(std::size_t i) {
  Node& n = *nodes_.at(i);
  if (!n.loop || !n.loaded_keys) throw std::logic_error("reload_keys: node " + std::to_string(n.spec.id) + " runs without keys");
  auto keys = std::make_unique<wire::Keyring>(keyrings_.at(n.spec.id));
  n.loop->replace_keys(keys.get());
  n.loaded_keys = std::move(keys);
}

void SimCluster::kill_hard(std::size_t i) {
  Node& n = *nodes_.at(i);
  n.loop.reset();
  n.state.reset();
  n.timers = node::TimerTable{};
}

void SimCluster::stop_gracefully(std::size_t i) {
  Node& n = *nodes_.at(i);
  if (n.loop) n.loop->shutdown();
  kill_hard(i);
}

void SimCluster::send(std::size_t from, NodeId to, std::span<const std::uint8_t> bytes) {
  if (tap_ && !tap_(nodes_[from]->spec.id, to, bytes)) return;
  const std::int64_t lo = net_.latency_min.ns(), hi = net_.latency_max.ns();
  const std::int64_t span = hi - lo + 1;
  const Duration latency = Duration::from_ns(lo + static_cast<std::int64_t>(rng_() % static_cast<std::uint64_t>(span)));
  in_flight_.push({now_ + latency, seq_++, index_of(to), {bytes.begin(), bytes.end()}});
}

void SimCluster::inject(std::size_t i, std::vector<std::uint8_t> bytes) {
  in_flight_.push({now_, seq_++, i, std::move(bytes)});
}

void SimCluster::deliver_now(std::size_t i, std::span<const std::uint8_t> bytes) { nodes_.at(i)->loop->on_datagram(bytes); }

Duration SimCluster::offset(std::size_t i) const { return nodes_.at(i)->clock->offset_from_system(); }

const std::vector<AppliedCorrection>& SimCluster::corrections(std::size_t i) const { return nodes_.at(i)->corrections; }

void SimCluster::reboot_host() { ++boot_[15]; }

bool SimCluster::step(node::MonoTime limit) {
  // The earliest of: a delivery, every live node's next timer. Ties: deliveries first, then
  // timers by node index, so the order never depends on anything but the events.
  std::optional<node::MonoTime> next;
  std::size_t timer_node = nodes_.size();
  if (!in_flight_.empty()) next = in_flight_.top().at;
  for (std::size_t i = 0; i < nodes_.size(); ++i) {
    if (!nodes_[i]->loop) continue;
    const auto d = nodes_[i]->timers.next_deadline();
    if (d && (!next || *d < *next)) {
      next = *d;
      timer_node = i;
    }
  }
  if (!next || *next > limit) return false;
  now_ = std::max(now_, *next);
  if (timer_node == nodes_.size()) {
    Delivery d = in_flight_.top();
    in_flight_.pop();
    if (nodes_[d.to]->loop) nodes_[d.to]->loop->on_datagram(d.bytes);
    return true;
  }
  Node& n = *nodes_[timer_node];
  if (const auto id = n.timers.pop_due(now_)) n.loop->on_timer(*id);
  return true;
}

void SimCluster::run_for(Duration d) {
  const node::MonoTime end = now_ + d;
  while (step(end)) {
  }
  now_ = end;
}

bool SimCluster::run_until(const std::function<bool()>& pred, Duration timeout) {
  const node::MonoTime end = now_ + timeout;
  for (;;) {
    if (pred()) return true;
    if (!step(end)) break;
  }
  now_ = end;
  return pred();
}

nlohmann::json SimCluster::status(std::size_t i) {
  Node& n = *nodes_.at(i);
  if (!n.loop) throw std::logic_error("node " + std::to_string(n.spec.id) + " is not running");
  return n.loop->status_json(nlohmann::json::array());
}

const node::Counters& SimCluster::counters(std::size_t i) const { return nodes_.at(i)->loop->counters(); }

std::uint64_t SimCluster::epoch(std::size_t i) const { return nodes_.at(i)->loop->epoch(); }

const wire::Keyring& SimCluster::keyring(NodeId id) const { return keyrings_.at(id); }

std::optional<NodeId> SimCluster::agreed_master() {
  std::optional<NodeId> master;
  bool one = true;
  for (std::size_t i = 0; i < nodes_.size(); ++i) {
    if (!nodes_[i]->loop) continue;
    const Algorithm& a = nodes_[i]->loop->algorithm();
    if (a.role() == Role::kMaster) {
      if (master) one = false;
      master = id(i);
    }
  }
  if (!master || !one) return std::nullopt;
  for (std::size_t i = 0; i < nodes_.size(); ++i) {
    if (nodes_[i]->loop && nodes_[i]->loop->algorithm().believed_master() != *master) return std::nullopt;
  }
  return master;
}

Duration SimCluster::skew() {
  Duration lo = Duration::max(), hi = Duration::min();
  for (auto& n : nodes_) {
    if (!n->loop) continue;
    const Duration off = n->clock->offset_from_system();
    lo = std::min(lo, off);
    hi = std::max(hi, off);
  }
  return lo > hi ? Duration::zero() : hi - lo;
}

}  // namespace clocksim::daemon::testing
