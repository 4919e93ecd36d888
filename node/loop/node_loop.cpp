#include "node/loop/node_loop.hpp"

#include <algorithm>
#include <cmath>
#include <exception>

#include "algorithms/core/effects_apply.hpp"

namespace clocksim::node {

namespace {
nlohmann::json node_or_null(NodeId id) {
  if (id == kNoNode) return nullptr;
  return id;
}

NoteWhy guard_note_why(GuardOutcome outcome) {
  switch (outcome) {
    case GuardOutcome::kApplied: break;
    case GuardOutcome::kRateClamped: return NoteWhy::kGuardRateClamped;
    case GuardOutcome::kStepAsSlew: return NoteWhy::kGuardStepAsSlew;
    case GuardOutcome::kUndoClipped: return NoteWhy::kGuardUndoClipped;
    case GuardOutcome::kRateBudgetSpent: return NoteWhy::kGuardRateBudgetSpent;
    case GuardOutcome::kRefusedPanic: return NoteWhy::kGuardRefusedPanic;
    case GuardOutcome::kRefusedMasterLimit: return NoteWhy::kGuardRefusedMasterLimit;
    case GuardOutcome::kRefusedOverflow: return NoteWhy::kGuardRefusedOverflow;
    case GuardOutcome::kRefusedNotFinite: return NoteWhy::kGuardRefusedNotFinite;
    case GuardOutcome::kRefusedPanicWindow: return NoteWhy::kGuardRefusedPanicWindow;
    case GuardOutcome::kRefusedUncorroborated: return NoteWhy::kGuardRefusedUncorroborated;
    case GuardOutcome::kRefusedRatePanicWindow: return NoteWhy::kGuardRefusedRatePanicWindow;
  }
  return NoteWhy::kNone;
}

// What the guard did to `asked`, as a note: the correction asked in value_ns (a rate in ppb, when
// it is a finite one that fits).
Note guard_note(const ClockEffect& asked, GuardOutcome outcome) {
  Note n(NoteWhat::kClockGuarded);
  n.because(guard_note_why(outcome));
  if (asked.kind != ClockEffect::Kind::kSetRate) {
    n.with_value(asked.delta);
  } else if (std::isfinite(asked.rate_ppm) && std::fabs(asked.rate_ppm) < 9e12) {
    n.with_value_ns(std::llround(asked.rate_ppm * 1e3));
  }
  return n;
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

  void step_clock(Duration delta, CorrectionSource source) override {
    guarded({ClockEffect::Kind::kAdjust, AdjustMode::kStep, delta, 0.0, source});
  }
  void slew_clock(Duration delta, CorrectionSource source) override {
    guarded({ClockEffect::Kind::kAdjust, AdjustMode::kSlew, delta, 0.0, source});
  }
  void set_rate_correction_ppm(double ppm) override {
    guarded({ClockEffect::Kind::kSetRate, AdjustMode::kSlew, Duration::zero(), ppm});
  }
  void cancel_timer(TimerId id) override { loop_.host_.timers.cancel(id); }
  void arm_timer(TimerId id, Duration after_local) override {
    // A monotonic deadline: a later adjustment of the clock does not move an armed timer.
    loop_.host_.timers.arm(id, loop_.host_.time.monotonic_now() + loop_.host_.clock.monotonic_span(after_local));
  }
  void send(NodeId to, const Message& msg) override { loop_.send_one(to, msg); }
  void drop_send(NodeId to, const Message& msg, SendDrop why) override {
    if (why == SendDrop::kNotMember && loop_.host_.foreign && loop_.host_.foreign->owns(to)) {
      loop_.host_.foreign->send(to, msg);
      return;
    }
    if (why == SendDrop::kSelf) {
      ++loop_.counters_.send_to_self;
    } else {
      ++loop_.counters_.send_unknown_peer;
    }
  }
  void note(const Note& n) override {
    if (n.kind() == EventKind::kRoundComplete) {
      ++loop_.rounds_;
      // The round's typed fields (round, count, total, value_ns, ...) and its sentence.
      nlohmann::json last = note_fields(n);
      last["local_ns"] = loop_.host_.clock.now().ns();
      last["number"] = loop_.rounds_;
      loop_.last_round_ = std::move(last);
    }
    if (loop_.host_.observer) loop_.host_.observer->on_note(n);
    if (!loop_.host_.log.enabled()) return;
    nlohmann::json line = {{"node", loop_.config_.self}, {"local_ns", loop_.host_.clock.now().ns()}};
    line.update(note_fields(n));
    loop_.host_.log.write("note", std::move(line));
  }

  // Carries out what the guard made of `asked` (a correction, or the rate in effect when the
  // guard revokes it): reports, counts and logs it, keeps the window, moves the clock.
  void enact(const ClockEffect& asked, const ClockGuard::Verdict& v) {
    const char* op = asked.kind == ClockEffect::Kind::kSetRate ? "rate" : asked.mode == AdjustMode::kStep ? "step" : "slew";
    if (v.outcome != GuardOutcome::kApplied && loop_.host_.observer) {
      // The simulator's events.csv shows what the guard did; the daemon logs it below.
      loop_.host_.observer->on_clock_guarded(asked, v.outcome);
      loop_.host_.observer->on_note(guard_note(asked, v.outcome));
    }
    // Kept before the clock moves: a crash in between leaves the correction counted but not
    // carried out, which errs on the safe side; the other order could leave it carried out and
    // forgotten. (A refused correction may have counted a rate's movement up to now.)
    if (v.counted) loop_.keep_clock_window();
    if (refused(v.outcome)) {
      ++loop_.counters_.clock_refused;
      nlohmann::json line = {{"node", loop_.config_.self},
                             {"reason", guard_outcome_name(v.outcome)},
                             {"op", op},
                             {"delta_ns", asked.delta.ns()},
                             {"rate_ppm", asked.rate_ppm}};
      if (v.outcome == GuardOutcome::kRefusedUncorroborated) {
        ++loop_.counters_.clock_refused_startup;
        line["agreeing"] = v.agreeing;
        line["needed"] = v.needed;
        // What the operator can do: the node stays where it is until its sources agree.
        line["hint"] =
            "a start-up correction above limits.panic_threshold needs limits.startup_quorum members, and a majority "
            "of those consulted, agreeing within limits.startup_tolerance; if this clock is that far off, set it by "
            "hand and restart, or trust a lone master or server with limits.startup_quorum: 1";
      }
      nlohmann::json last = line;
      last.erase("node");
      last["local_ns"] = loop_.host_.clock.now().ns();
      loop_.last_refused_ = std::move(last);
      loop_.host_.log.write("clock_refused", std::move(line));
      return;
    }
    if (v.outcome != GuardOutcome::kApplied) ++loop_.counters_.clock_limited;
    if (v.outcome == GuardOutcome::kRateBudgetSpent) {
      ++loop_.counters_.rate_revoked;
      loop_.host_.log.write("clock_rate_revoked", {{"node", loop_.config_.self},
                                                   {"rate_ppm", asked.rate_ppm},
                                                   {"moved_ns", loop_.guard_.moved_in_window_ns(loop_.host_.time.monotonic_now().ns())},
                                                   {"limit_ns", loop_.guard_.config().panic_threshold.ns()}});
    }
    if (v.undone_ns != 0) {
      ++loop_.counters_.clock_undone;
      loop_.host_.log.write("clock_undone", {{"node", loop_.config_.self},
                                             {"delta_ns", v.effect.delta.ns()},
                                             {"asked_ns", asked.delta.ns()},
                                             {"agreeing", v.agreeing},
                                             {"needed", v.needed}});
    }
    const ClockEffect& c = v.effect;
    if (loop_.host_.observer) loop_.host_.observer->on_clock_effect(c);
    Clock& clock = loop_.host_.clock;
    if (c.kind == ClockEffect::Kind::kSetRate) {
      adjust("rate", Duration::zero(), c.rate_ppm, [&] { clock.set_rate_correction_ppm(c.rate_ppm); },
             loop_.counters_.rate_corrections);
    } else if (c.mode == AdjustMode::kStep) {
      adjust("step", c.delta, 0.0, [&] { clock.step(c.delta); }, loop_.counters_.clock_steps);
    } else {
      adjust("slew", c.delta, 0.0, [&] { clock.slew(c.delta); }, loop_.counters_.clock_slews);
    }
  }

  // Every correction passes the sanity limits first (algorithms/core/clock_guard.hpp).
  void guarded(const ClockEffect& asked) {
    enact(asked, loop_.guard_.check(asked, loop_.host_.clock.now(), loop_.algorithm_->role() == Role::kMaster,
                                    loop_.host_.time.monotonic_now().ns(), loop_.fx_.evidence(), loop_.config_.self));
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

namespace {
wire::ChannelConfig channel_config(const NodeLoopConfig& c, TimeSource& time) {
  wire::ChannelConfig ch;
  ch.cluster = c.cluster;
  ch.self = c.self;
  if (c.members) {
    for (NodeId id : *c.members) {
      if (id != c.self) ch.peers.insert(id);
    }
  }
  // This run's epoch: the host's wall clock at start, so that it exceeds every earlier run's.
  ch.epoch = c.epoch != 0 ? c.epoch : static_cast<std::uint64_t>(std::max<std::int64_t>(time.wall_now().ns(), 1));
  return ch;
}
}  // namespace

NodeLoop::NodeLoop(NodeLoopConfig config, std::unique_ptr<Algorithm> algorithm, NodeLoopHost host,
                   const wire::Keyring* keys)
    : config_(std::move(config)),
      algorithm_(std::move(algorithm)),
      host_(host),
      keys_(keys),
      channel_(channel_config(config_, host.time), keys),
      guard_(config_.clock_limits) {
  if (!config_.members) config_.members = std::make_shared<const std::vector<NodeId>>(1, config_.self);
  started_mono_ = host_.time.monotonic_now();
  if (host_.stable == nullptr) return;
  stable_ = host_.stable->saved();
  // A run that counts nothing (limits.panic_window or panic_threshold 0) leaves the kept window as
  // it was read, and every save of this run writes it back unchanged: emptying it would hand a
  // liar a fresh budget in the next run that counts again, however recent the corrections it
  // holds.
  if (!guard_.window_enabled()) return;
  // The corrections counted before this run still count (a restart is no fresh budget); only the
  // start-up allowance opens again.
  guard_.restore_window(stable_.clock_window, config_.boot, started_mono_.ns());
  PanicWindowState restored = guard_.window_state(config_.boot);
  // Kept as read now, when that is not what was saved (carried over from another boot, or slices
  // that left the window): a second restart must not carry it over again, a window later.
  if (restored.slices.empty() && stable_.clock_window.slices.empty()) return;
  if (restored == stable_.clock_window) return;
  stable_.clock_window = std::move(restored);
  save_stable_state("clock_window");
}

NodeLoop::~NodeLoop() = default;

void NodeLoop::start() {
  // A clock may already run with a frequency correction (the kernel keeps it while the daemon is
  // down): the guard counts it from now on, and revokes it if the kept window has no room left.
  const double running_ppm = host_.clock.rate_correction_ppm();
  carry_out_rate(running_ppm, guard_.adopt_rate(running_ppm, host_.time.monotonic_now().ns()));
  fx_.clear();
  last_role_ = algorithm_->role();
  last_master_ = algorithm_->believed_master();
  // Ask every peer whose epoch is unknown for it now, so that the first messages are not lost
  // as stale.
  for (NodeId id : *config_.members) {
    if (id == config_.self || channel_.known_epoch(id) != 0) continue;
    if (auto p = channel_.seal_hello_request(id)) send_packet(id, *p, Message{});
  }
  algorithm_->on_start(host_.clock.now(), fx_);
  carry_out();
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
  wire::Channel::Opened o = channel_.open(bytes, host_.time.monotonic_now());
  if (o.reply) {
    send_packet(o.reply_to, *o.reply, Message{});
    ++counters_.hellos_out;
  }
  if (o.dropped) return drop(*o.dropped);
  if (o.hello) {
    ++counters_.hellos_in;
    return;
  }
  ++counters_.packets_accepted;
  fx_.clear();
  algorithm_->on_message(host_.clock.now(), o.deliver->envelope.sender, o.deliver->message, fx_);
  carry_out();
  dispatch_done();
}

void NodeLoop::on_foreign_message(NodeId from, const Message& msg) {
  fx_.clear();
  algorithm_->on_message(host_.clock.now(), from, msg, fx_);
  carry_out();
  dispatch_done();
}

void NodeLoop::on_timer(TimerId id) {
  if (id == kGuardRateTimer) return on_rate_deadline();
  ++counters_.timers_fired;
  fx_.clear();
  algorithm_->on_timer(host_.clock.now(), id, fx_);
  carry_out();
  dispatch_done();
}

void NodeLoop::shutdown() {
  fx_.clear();
  algorithm_->on_shutdown(host_.clock.now(), fx_);
  carry_out();
  dispatch_done();
}

void NodeLoop::send_one(NodeId to, const Message& msg) {
  const auto p = channel_.seal(to, msg);
  if (!p) {
    ++counters_.send_unknown_peer;  // no key for it
    return;
  }
  send_packet(to, *p, msg);
}

void NodeLoop::send_packet(NodeId to, const wire::Packet& p, const Message& carried) {
  if (host_.transport.send_datagram(to, p.view(), carried)) {
    ++counters_.packets_out;
  } else {
    ++counters_.send_errors;
  }
}

void NodeLoop::carry_out() {
  keep_stable_state();
  LoopEffectSink sink(*this);
  apply_effects(fx_, config_.self, *config_.members, sink);
  follow_rate_deadline();
}

void NodeLoop::follow_rate_deadline() {
  const std::optional<std::int64_t> due_ns = guard_.rate_deadline_ns();
  if (due_ns == rate_timer_ns_) return;
  if (rate_timer_ns_) host_.timers.cancel(kGuardRateTimer);
  rate_timer_ns_ = due_ns;
  if (due_ns) host_.timers.arm(kGuardRateTimer, MonoTime::from_ns(*due_ns));
}

void NodeLoop::on_rate_deadline() {
  rate_timer_ns_.reset();  // the host took it out of its table
  const double running_ppm = guard_.rate_ppm();
  carry_out_rate(running_ppm, guard_.rate_due(host_.time.monotonic_now().ns()));
  follow_rate_deadline();
}

void NodeLoop::carry_out_rate(double running_ppm, const ClockGuard::Verdict& v) {
  if (v.outcome == GuardOutcome::kRateBudgetSpent) {
    LoopEffectSink(*this).enact({ClockEffect::Kind::kSetRate, AdjustMode::kSlew, Duration::zero(), running_ppm}, v);
  } else if (v.counted) {
    keep_clock_window();
  }
}

void NodeLoop::keep_stable_state() {
  if (!advance_stable_state(stable_, config_.self, fx_, algorithm_->last_logical_event())) return;
  save_stable_state("logical_state");
}

void NodeLoop::keep_clock_window() {
  if (host_.stable == nullptr) return;
  stable_.clock_window = guard_.window_state(config_.boot);
  save_stable_state("clock_window");
}

void NodeLoop::save_stable_state(const char* what) {
  if (host_.stable == nullptr) return;
  // Written before the messages go out, or before the clock moves. A failed write holds neither
  // back: the node goes on, counts and logs it, and only a restart before the next good write (of
  // either kind: each writes the whole record) could reuse what was not saved, or forget a
  // correction's share of the clock window. Refusing corrections while the disk fails would stop
  // the node from following its honest cluster; the window in memory still bounds this run.
  if (host_.stable->save(stable_)) {
    ++counters_.state_saves;
    return;
  }
  const auto failures = ++counters_.state_save_failures;
  if (failures == 1 || failures % 1000 == 0) {
    host_.log.write("state_save_failed",
                    {{"node", config_.self}, {"count", failures}, {"what", what}, {"error", host_.stable->last_error()}});
  }
}

void NodeLoop::dispatch_done() {
  if (fx_.reference_read_requested() && host_.reference) {
    // Answered at once; a read asked for while answering is not answered again.
    const LocalTime now = host_.clock.now();
    const ReferenceReading r = host_.reference->read(now);
    fx_.clear();
    algorithm_->on_reference(now, r, fx_);
    carry_out();
  }
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
      {"auth", keys_ ? (keys_->is_shared() ? "hmac-sha256 (cluster key)" : "hmac-sha256 (pair keys)") : "none"},
      {"epoch", channel_.epoch()},
      {"clock_startup", guard_.in_startup()},
      // How much of the panic threshold the corrections of the last panic window used (kept
      // across restarts with a state file), and the threshold (0: off).
      {"clock_window_moved_ns", guard_.moved_in_window_ns(host_.time.monotonic_now().ns())},
      {"clock_window_limit_ns", guard_.config().panic_threshold.ns()},
      {"clock_last_refused", last_refused_ ? *last_refused_ : nlohmann::json(nullptr)},
      {"uptime_ms", (host_.time.monotonic_now() - started_mono_).ns() / 1'000'000},
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
        {"clock_refused", counters_.clock_refused},
        {"clock_refused_startup", counters_.clock_refused_startup},
        {"clock_limited", counters_.clock_limited},
        {"clock_undone", counters_.clock_undone},
        {"rate_revoked", counters_.rate_revoked},
        {"hellos_in", counters_.hellos_in},
        {"hellos_out", counters_.hellos_out},
        {"state_saves", counters_.state_saves},
        {"state_save_failures", counters_.state_save_failures},
        {"dropped_total", counters_.dropped_total()},
        {"dropped", dropped}}},
      {"stable_state",
       {{"kept", host_.stable != nullptr},
        {"elections_started", stable_.elections_started},
        {"lamport", stable_.logical.lamport},
        {"next_message_id", stable_.logical.next_message_id},
        {"clock_window_slices", stable_.clock_window.slices.size()}}},
      {"rounds", rounds_},
      {"last_round", last_round_ ? *last_round_ : nlohmann::json(nullptr)},
      {"peers", std::move(peers)},
  };
}

}  // namespace clocksim::node
