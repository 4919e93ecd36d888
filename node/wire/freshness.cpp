#include "node/wire/freshness.hpp"

namespace clocksim::node::wire {

Freshness::Freshness(std::uint64_t epoch, std::int64_t hello_interval_ns)
    : epoch_(epoch == 0 ? 1 : epoch), hello_interval_ns_(hello_interval_ns) {}

void Freshness::stamp(Envelope& env, NodeId peer) {
  env.sender_epoch = epoch_;
  env.receiver_epoch = known_epoch(peer);
  env.counter = ++out_counter_[peer];
}

void Freshness::stamp_hello(Envelope& env, NodeId peer, std::uint64_t their_epoch) {
  env.sender_epoch = epoch_;
  env.receiver_epoch = their_epoch;
  env.counter = ++out_counter_[peer];
}

std::uint64_t Freshness::known_epoch(NodeId peer) const {
  const auto it = in_.find(peer);
  return it == in_.end() ? 0 : it->second.epoch;
}

void Freshness::learn_epoch(NodeId peer, std::uint64_t epoch) {
  Inbound& in = in_[peer];
  if (epoch <= in.epoch) return;
  in.epoch = epoch;
  in.window = ReplayWindow{};
}

Freshness::Check Freshness::check(const Envelope& env, MonoTime now) {
  Inbound& in = in_[env.sender];
  Check c;
  if (env.receiver_epoch != epoch_) {
    c.verdict = Verdict::kStale;
    // Answering a hello with a hello could ping-pong between two nodes that both restarted.
    if (env.kind != PacketKind::kHello &&
        (!in.hello_sent || (now - in.last_hello).ns() >= hello_interval_ns_)) {
      in.hello_sent = true;
      in.last_hello = now;
      c.answer_with_hello = true;
    }
    return c;
  }
  if (env.sender_epoch < in.epoch || env.sender_epoch == 0) {
    c.verdict = Verdict::kReplay;  // an earlier run of the peer
    return c;
  }
  if (env.sender_epoch > in.epoch) {
    // The peer's first fresh packet in this run of ours, or the peer restarted: it counts from 1.
    in.epoch = env.sender_epoch;
    in.window = ReplayWindow{};
  }
  c.verdict = in.window.accept(env.counter) ? Verdict::kFresh : Verdict::kReplay;
  return c;
}

}  // namespace clocksim::node::wire
