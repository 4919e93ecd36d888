#include "node/wire/channel.hpp"

#include <stdexcept>

namespace clocksim::node::wire {

Channel::Channel(ChannelConfig config, const Keyring* keys)
    : config_(std::move(config)), keys_(keys), freshness_(config_.epoch, config_.hello_interval_ns) {}

void Channel::replace_keys(const Keyring* keys) {
  if ((keys == nullptr) != (keys_ == nullptr)) {
    throw std::logic_error("Channel::replace_keys: a keyed channel cannot become insecure, nor the reverse");
  }
  keys_ = keys;
}

std::optional<Packet> Channel::seal_envelope(Envelope env, NodeId to, const Message& msg) {
  env.cluster = config_.cluster;
  env.sender = config_.self;
  env.receiver = to;
  const ClusterKey* key = nullptr;
  if (keys_) {
    const auto k = keys_->signing_key(to);
    if (!k) return std::nullopt;
    env.key_id = k->first;
    key = k->second;
  }
  return encode(env, msg, key);
}

std::optional<Packet> Channel::seal(NodeId to, const Message& msg) {
  if (!has_key_for(to)) return std::nullopt;
  Envelope env;
  freshness_.stamp(env, to);
  return seal_envelope(env, to, msg);
}

std::optional<Packet> Channel::seal_hello_request(NodeId to) {
  if (!has_key_for(to)) return std::nullopt;
  Envelope env;
  env.kind = PacketKind::kHelloRequest;
  freshness_.stamp(env, to);
  return seal_envelope(env, to, Message{});
}

Channel::Opened Channel::open(std::span<const std::uint8_t> datagram, MonoTime now) {
  Opened o;
  DecodeResult r = decode(datagram, config_.cluster, config_.self, keys_);
  if (!r.ok()) {
    o.dropped = r.reason;
    return o;
  }
  const Envelope& env = r.packet->envelope;
  if (env.sender == config_.self || config_.peers.count(env.sender) == 0) {
    o.dropped = DropReason::kUnknownSender;
    return o;
  }
  // Only now, with the MAC verified, may the packet touch the sender's freshness state.
  const Freshness::Check c = freshness_.check(env, now);
  if (c.verdict == Freshness::Verdict::kStale) {
    o.dropped = DropReason::kStale;
    if (c.answer_with_hello) {
      Envelope hello;
      hello.kind = PacketKind::kHello;
      freshness_.stamp_hello(hello, env.sender, env.sender_epoch);
      o.reply = seal_envelope(hello, env.sender, Message{});
      o.reply_to = env.sender;
    }
    return o;
  }
  if (c.verdict == Freshness::Verdict::kReplay) {
    o.dropped = DropReason::kReplay;
    return o;
  }
  if (env.kind != PacketKind::kMessage) {
    o.hello = true;
    return o;
  }
  o.deliver = std::move(r.packet);
  return o;
}

}  // namespace clocksim::node::wire
