// The clocksyncd wire format, version 2: one clocksim::Message per UDP datagram, addressed to
// one receiver and authenticated with the key of that (sender, receiver) pair.
//
// All multi-byte fields are big-endian (network byte order, as TSP's struct tsp). Sizes are
// fixed per version, so the decoder knows the exact length to expect before it reads a field.
//
//   offset size  field
//   0      4     magic 'C','L','K','S' (0x434C4B53)
//   4      1     version (2)
//   5      1     message type (MsgType registry, algorithms/core/message.hpp; 0 for a hello)
//   6      2     length: total datagram bytes, MAC included (108 or 140)
//   8      1     auth: 0 = none (--insecure clusters only), 1 = HMAC-SHA256
//   9      1     packet kind: 0 = message, 1 = hello request, 2 = hello (freshness.hpp)
//   10     2     reserved, zero
//   12     4     cluster id
//   16     4     sender node id
//   20     4     receiver node id (the MAC covers it: a packet for B is worthless at C)
//   24     4     key id (which of the pair's keys made the MAC; keyring.hpp)
//   28     8     sender epoch: the sender's start-up stamp (a new one at every start)
//   36     8     receiver epoch as the sender last learned it (0: not yet known)
//   44     8     counter: per (sender epoch, receiver), from 1 (replay window)
//   52     56    body: hops u8, reserved u8 (zero), flags u16, seq u32, subject u32, term u32,
//                t1_ns, t2_ns, t3_ns, value_ns, rate_ppb (each i64); all zero in a hello
//   108    32    HMAC-SHA256 over bytes [0, 108) with the pair's key (auth = 1 only)
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace clocksim::node::wire {

inline constexpr std::uint32_t kMagic = 0x434C4B53;  // "CLKS"
inline constexpr std::uint8_t kVersion = 2;

inline constexpr std::size_t kHeaderSize = 52;
inline constexpr std::size_t kBodySize = 56;
inline constexpr std::size_t kMacSize = 32;
inline constexpr std::size_t kUnauthPacketSize = kHeaderSize + kBodySize;  // 108
inline constexpr std::size_t kAuthPacketSize = kUnauthPacketSize + kMacSize;  // 140
inline constexpr std::size_t kMaxPacketSize = kAuthPacketSize;

enum class AuthKind : std::uint8_t { kNone = 0, kHmacSha256 = 1 };

// A hello carries no message: it only tells the receiver the sender's epoch (freshness.hpp).
enum class PacketKind : std::uint8_t { kMessage = 0, kHelloRequest = 1, kHello = 2 };

// Why an incoming datagram was dropped. The loop counts each reason separately (status socket).
enum class DropReason : std::uint8_t {
  kTruncated,        // shorter than its header or than its length field says
  kOversized,        // longer than any valid packet or than its length field says
  kBadMagic,
  kUnknownVersion,
  kBadLength,        // length field inconsistent with the auth kind
  kUnknownAuth,
  kUnknownType,      // not in the MsgType registry (or a hello with a type)
  kMalformed,        // reserved bits set, unknown packet kind, a hello with a body
  kWrongCluster,
  kUnauthenticated,  // no MAC where the cluster requires one (or a MAC an insecure node cannot check)
  kBadMac,           // MAC does not verify with the pair's key
  kUnknownSender,    // authentic but not a configured peer (or our own id)
  kReplay,           // counter already seen or too old for the window, or an older sender epoch
  kWrongReceiver,    // addressed to another node
  kUnknownKey,       // no key with this id for this sender
  kStale,            // authentic, but made before this node's start (echoes an old epoch)
};
inline constexpr std::size_t kDropReasonCount = 16;

std::string_view drop_reason_name(DropReason r);

}  // namespace clocksim::node::wire
