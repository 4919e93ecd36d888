// Encoding and decoding of wire packets (layout in format.hpp).
//
// Decoding never throws and never reads past the span it is given: every malformed input yields
// a DropReason that the caller counts. The decoder checks the receiver and the MAC but not
// freshness, which is per-peer state (freshness.hpp; check it only after decode succeeded).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "algorithms/core/ids.hpp"
#include "algorithms/core/message.hpp"
#include "node/wire/auth.hpp"
#include "node/wire/format.hpp"
#include "node/wire/keyring.hpp"

namespace clocksim::node::wire {

struct Envelope {
  std::uint32_t cluster = 0;
  NodeId sender = kNoNode;
  NodeId receiver = kNoNode;
  std::uint32_t key_id = 0;
  std::uint64_t sender_epoch = 0;    // the sender's start-up stamp
  std::uint64_t receiver_epoch = 0;  // the receiver's, as the sender knows it (0: unknown)
  std::uint64_t counter = 0;         // per (sender epoch, receiver), from 1
  PacketKind kind = PacketKind::kMessage;
};

struct Packet {
  std::array<std::uint8_t, kMaxPacketSize> bytes{};
  std::size_t size = 0;
  std::span<const std::uint8_t> view() const { return {bytes.data(), size}; }
};

// `key` null: an unauthenticated packet (auth = none), for --insecure clusters only. A hello
// (kind != message) is encoded with an empty body whatever `msg` holds.
Packet encode(const Envelope& env, const Message& msg, const ClusterKey* key);

struct Decoded {
  Envelope envelope;
  Message message;
};

struct DecodeResult {
  std::optional<Decoded> packet;  // set on success
  DropReason reason = DropReason::kMalformed;  // meaningful when !packet
  bool ok() const { return packet.has_value(); }
};

// `keys` null: the receiver is insecure and accepts only auth = none packets. Otherwise only
// packets whose MAC verifies with the key the keyring holds for (sender, key id) pass.
// `cluster` and `self` must match the envelope's cluster and receiver.
DecodeResult decode(std::span<const std::uint8_t> datagram, std::uint32_t cluster, NodeId self, const Keyring* keys);

}  // namespace clocksim::node::wire
