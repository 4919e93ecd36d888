#include "node/loop/node_loop.hpp"

#include <algorithm>
#include <exception>

#include "algorithms/core/effects_apply.hpp"

namespace clocksim::node {

namespace {
nlohmann::json node_or_null(NodeId id) {
  if (id == kNoNode) return nullptr;
  return id;
}
}  // namespace

std::uint64_t Counters::dropped_total() const {
  std::uint64_t sum = 0;
  for (auto d : dropped) sum += d;
  return sum;
}

// Carries the algorithm's effects out on this node; apply_effects (algorithms/core/effects_apply.hpp)
// fixes their order and meaning.
class NodeLoop::LoopEffectSink final : public EffectSink {
 public:
  explicit LoopEffectSink(NodeLoop& loop) : loop_(loop) {}

  void step_clock(Duration delta) override {
    adjust("step", delta, 0.0, [&] { loop_.host_.clock.step(delta); }, loop_.counters_.clock_steps);
  }
  void slew_clock(Duration delta) override {
    adjust("slew", delta, 0.0, [&] { loop_.host_.clock.slew(delta); }, loop_.counters_.clock_slews);
  }
  void set_rate_correction_ppm(double ppm) override {
    adjust("rate", Duration::zero(), ppm, [&] { loop_.host_.clock.set_rate_correction_ppm(ppm); },
           loop_.counters_.rate_corrections);
  }
  void cancel_timer(TimerId id) override { loop_.host_.timers.cancel(id); }
  void arm_timer(TimerId id, Duration after_local) override {
    // A monotonic deadline: a later adjustment of the clock does not move an armed timer.
    loop_.host_.timers.arm(id, loop_.host_.time.monotonic_ns() + loop_.host_.clock.monotonic_span(after_local).ns());
  }
  void send(NodeId to, const Message& msg) override { loop_.send_one(to, msg); }
  void drop_send(NodeId, const Message&, SendDrop why) override {
    if (why == SendDrop::kSelf) {
      ++loop_.counters_.send_to_self;
    } else {
      ++loop_.counters_.send_unknown_peer;
    }
  }
  void note(const NoteEffect& n) override {
    if (n.kind == NoteKind::kRoundComplete) {
      ++loop_.rounds_;
      loop_.last_round_ =
          nlohmann::json{{"local_ns", loop_.host_.clock.now().ns()}, {"number", loop_.rounds_}, {"text", n.text}};
    }
    if (loop_.host_.observer) loop_.host_.observer->on_note(n);
    if (!loop_.host_.log.enabled()) return;
    loop_.host_.log.write("note", {{"node", loop_.config_.self},
                                   {"local_ns", loop_.host_.clock.now().ns()},
                                   {"kind", note_kind_name(n.kind)},
                                   {"text", n.text}});
  }

 private:
  template <class Change>
  void adjust(const char* op, Duration delta, double rate_ppm, Change change, std::uint64_t& counter) {
    try {
      change();
      ++counter;
      if (!loop_.host_.log.enabled()) return;
      loop_.host_.log.write("clock", {{"node", loop_.config_.self},
                                      {"op", op},
                                      {"delta_ns", delta.ns()},
                                      {"rate_ppm", rate_ppm},
                                      {"offset_ns", loop_.host_.clock.offset_from_system().ns()}});
    } catch (const std::exception& e) {
      // The OS may refuse (the system clock); the loop carries on and says so.
      ++loop_.counters_.clock_errors;
      loop_.host_.log.write("clock_error", {{"node", loop_.config_.self}, {"error", e.what()}});
    }
  }

  NodeLoop& loop_;
};

NodeLoop::NodeLoop(NodeLoopConfig config, std::unique_ptr<Algorithm> algorithm, NodeLoopHost host,
                   const wire::ClusterKey* key)
    : config_(std::move(config)), algorithm_(std::move(algorithm)), host_(host), key_(key) {
  if (!config_.members) config_.members = std::make_shared<const std::vector<NodeId>>(1, config_.self);
  // Per-sender sequence numbers start at the host's wall clock in ns, so that a restarted node
  // starts above everything its peers' replay windows have seen from its previous life (0 is
  // never sent).
  next_sender_seq_ = static_cast<std::uint64_t>(std::max<std::int64_t>(host_.time.realtime_ns(), 1));
  started_mono_ns_ = host_.time.monotonic_ns();
}

NodeLoop::~NodeLoop() = default;

void NodeLoop::start() {
  fx_.clear();
  last_role_ = algorithm_->role();
  last_master_ = algorithm_->believed_master();
  algorithm_->on_start(host_.clock.now(), fx_);
  LoopEffectSink sink(*this);
  apply_effects(fx_, config_.self, *config_.members, sink);
  dispatch_done();
}

void NodeLoop::drop(wire::DropReason reason) {
  const auto count = ++counters_.dropped[static_cast<std::size_t>(reason)];
  if (host_.observer) host_.observer->on_drop(reason);
  // First of each reason, then every 1000th: an attacker cannot flood the log.
  if (count == 1 || count % 1000 == 0) {
    host_.log.write("drop", {{"node", config_.self}, {"reason", wire::drop_reason_name(reason)}, {"count", count}});
  }
}

void NodeLoop::on_oversized_datagram() {
  ++counters_.packets_in;
  drop(wire::DropReason::kOversized);
}

void NodeLoop::on_datagram(std::span<const std::uint8_t> bytes) {
  ++counters_.packets_in;
  const wire::DecodeResult r = wire::decode(bytes, config_.cluster, key_);
  if (!r.ok()) return drop(r.reason);
  const NodeId sender = r.packet->envelope.sender;
  const auto& members = *config_.members;
  if (sender == config_.self || !std::binary_search(members.begin(), members.end(), sender)) {
    return drop(wire::DropReason::kUnknownSender);
  }
  // Only now, with the MAC verified, may the packet move the sender's window.
  if (!replay_[sender].accept(r.packet->envelope.sender_seq)) return drop(wire::DropReason::kReplay);
  ++counters_.packets_accepted;
  fx_.clear();
  algorithm_->on_message(host_.clock.now(), sender, r.packet->message, fx_);
  LoopEffectSink sink(*this);
  apply_effects(fx_, config_.self, members, sink);
  dispatch_done();
}

void NodeLoop::on_timer(TimerId id) {
  ++counters_.timers_fired;
  fx_.clear();
  algorithm_->on_timer(host_.clock.now(), id, fx_);
  LoopEffectSink sink(*this);
  apply_effects(fx_, config_.self, *config_.members, sink);
  dispatch_done();
}

void NodeLoop::shutdown() {
  fx_.clear();
  algorithm_->on_shutdown(host_.clock.now(), fx_);
  LoopEffectSink sink(*this);
  apply_effects(fx_, config_.self, *config_.members, sink);
  dispatch_done();
}

void NodeLoop::send_one(NodeId to, const Message& msg) {
  const wire::Envelope env{config_.cluster, config_.self, next_sender_seq_++};
  const wire::Packet p = wire::encode(env, msg, key_);
  if (host_.transport.send_datagram(to, p.view(), msg)) {
    ++counters_.packets_out;
  } else {
    ++counters_.send_errors;
  }
}

void NodeLoop::dispatch_done() {
  const Role role = algorithm_->role();
  const NodeId master = algorithm_->believed_master();
  if (role == last_role_ && master == last_master_) return;
  ++counters_.role_changes;
  role_since_local_ns_ = host_.clock.now().ns();
  host_.log.write("role", {{"node", config_.self},
                           {"local_ns", *role_since_local_ns_},
                           {"from", role_name(last_role_)},
                           {"role", role_name(role)},
                           {"master", node_or_null(master)}});
  last_role_ = role;
  last_master_ = master;
}

nlohmann::json NodeLoop::status_json(nlohmann::json peers) {
  nlohmann::json dropped = nlohmann::json::object();
  for (std::size_t i = 0; i < wire::kDropReasonCount; ++i) {
    dropped[std::string(wire::drop_reason_name(static_cast<wire::DropReason>(i)))] = counters_.dropped[i];
  }
  Clock& clock = host_.clock;
  return {
      {"id", config_.self},
      {"role", role_name(algorithm_->role())},
      {"believed_master", node_or_null(algorithm_->believed_master())},
      {"role_since_local_ns", role_since_local_ns_ ? nlohmann::json(*role_since_local_ns_) : nlohmann::json(nullptr)},
      {"sync", config_.sync_kind},
      {"election", config_.election_kind},
      {"cluster", config_.cluster},
      {"auth", key_ ? "hmac-sha256" : "none"},
      {"uptime_ms", (host_.time.monotonic_ns() - started_mono_ns_) / 1'000'000},
      {"clock",
       {{"backend", clock.backend()},
        {"local_ns", clock.now().ns()},
        {"offset_ns", clock.offset_from_system().ns()},
        {"pending_slew_ns", clock.pending_slew().ns()},
        {"rate_correction_ppm", clock.rate_correction_ppm()}}},
      {"counters",
       {{"packets_in", counters_.packets_in},
        {"packets_accepted", counters_.packets_accepted},
        {"packets_out", counters_.packets_out},
        {"send_errors", counters_.send_errors},
        {"send_unknown_peer", counters_.send_unknown_peer},
        {"send_to_self", counters_.send_to_self},
        {"timers_fired", counters_.timers_fired},
        {"clock_steps", counters_.clock_steps},
        {"clock_slews", counters_.clock_slews},
        {"rate_corrections", counters_.rate_corrections},
        {"clock_errors", counters_.clock_errors},
        {"role_changes", counters_.role_changes},
        {"status_queries", counters_.status_queries},
        {"dropped_total", counters_.dropped_total()},
        {"dropped", dropped}}},
      {"rounds", rounds_},
      {"last_round", last_round_ ? *last_round_ : nlohmann::json(nullptr)},
      {"peers", std::move(peers)},
  };
}

}  // namespace clocksim::node
