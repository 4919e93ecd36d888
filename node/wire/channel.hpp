// One node's end of the cluster's secure channel, sans-IO: seals algorithm messages into
// packets for one peer (pair key, receiver id, epochs, counter) and opens incoming datagrams
// (decode, MAC, configured peer, freshness), telling the caller what to deliver, what to drop
// and which hello to send back. The daemon loop only moves bytes between this and its socket.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <span>

#include "algorithms/core/message.hpp"
#include "node/wire/codec.hpp"
#include "node/wire/freshness.hpp"
#include "node/wire/keyring.hpp"

namespace clocksim::node::wire {

struct ChannelConfig {
  std::uint32_t cluster = 0;
  NodeId self = kNoNode;
  std::set<NodeId> peers;
  std::uint64_t epoch = 1;                         // this run's start-up stamp (freshness.hpp)
  std::int64_t hello_interval_ns = 100'000'000;    // per peer
};

class Channel {
 public:
  // `keys` null: --insecure (no MAC). The channel does not own the keyring.
  Channel(ChannelConfig config, const Keyring* keys);

  // Nullopt when the keyring has no key for `to`.
  std::optional<Packet> seal(NodeId to, const Message& msg);
  // A hello request: asks `to` for its epoch (sent to every peer at start-up).
  std::optional<Packet> seal_hello_request(NodeId to);

  struct Opened {
    std::optional<Decoded> deliver;   // a fresh message for the algorithm
    bool hello = false;               // a fresh hello: nothing to deliver, nothing dropped
    std::optional<DropReason> dropped;
    std::optional<Packet> reply;      // a hello to send back to `reply_to`
    NodeId reply_to = kNoNode;
  };
  Opened open(std::span<const std::uint8_t> datagram, MonoTime now);

  std::uint64_t epoch() const { return freshness_.epoch(); }
  std::uint64_t known_epoch(NodeId peer) const { return freshness_.known_epoch(peer); }
  void learn_peer_epoch(NodeId peer, std::uint64_t epoch) { freshness_.learn_epoch(peer, epoch); }
  bool has_key_for(NodeId peer) const { return keys_ == nullptr || keys_->has_peer(peer); }
  // Seals and opens with `keys` from now on (a reloaded key file: rotation without a restart).
  // Epochs, counters and replay windows are kept: they belong to the peers' runs, not to the
  // keys, so a packet recorded before the change is refused after it as before. A keyed channel
  // stays keyed and an insecure one insecure.
  void replace_keys(const Keyring* keys);

 private:
  std::optional<Packet> seal_envelope(Envelope env, NodeId to, const Message& msg);

  ChannelConfig config_;
  const Keyring* keys_;
  Freshness freshness_;
};

}  // namespace clocksim::node::wire
