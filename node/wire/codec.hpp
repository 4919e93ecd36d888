// Encoding and decoding of wire packets (layout in format.hpp).
//
// Decoding never throws and never reads past the span it is given: every malformed input yields
// a DropReason that the caller counts. The decoder checks the MAC but not the replay window, which
// is per-sender state the loop owns (check it only after decode succeeded).
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

namespace clocksim::node::wire {

struct Envelope {
  std::uint32_t cluster = 0;
  NodeId sender = kNoNode;
  std::uint64_t sender_seq = 0;  // strictly increasing per sender (replay window)
};

struct Packet {
  std::array<std::uint8_t, kMaxPacketSize> bytes{};
  std::size_t size = 0;
  std::span<const std::uint8_t> view() const { return {bytes.data(), size}; }
};

// `key` null: an unauthenticated packet (auth = none), for --insecure clusters only.
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

// `key` null: the receiver is insecure and accepts only auth = none packets. Otherwise only
// packets whose MAC verifies with `key` pass. `cluster` must match the envelope's.
DecodeResult decode(std::span<const std::uint8_t> datagram, std::uint32_t cluster, const ClusterKey* key);

}  // namespace clocksim::node::wire
