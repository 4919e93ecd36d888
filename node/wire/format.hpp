// The clocksyncd wire format, version 1: one clocksim::Message per UDP datagram.
//
// All multi-byte fields are big-endian (network byte order, as TSP's struct tsp). Sizes are
// fixed per version, so the decoder knows the exact length to expect before it reads a field.
//
//   offset size  field
//   0      4     magic 'C','L','K','S' (0x434C4B53)
//   4      1     version (1)
//   5      1     message type (MsgType registry, algorithms/core/message.hpp)
//   6      2     length: total datagram bytes, MAC included (84 or 116)
//   8      1     auth: 0 = none (--insecure clusters only), 1 = HMAC-SHA256
//   9      3     reserved, zero
//   12     4     cluster id
//   16     4     sender node id
//   20     8     sender sequence number (strictly increasing per sender; replay window)
//   28     56    body: hops u8, reserved u8 (zero), flags u16, seq u32, subject u32, term u32,
//                t1_ns, t2_ns, t3_ns, value_ns, rate_ppb (each i64)
//   84     32    HMAC-SHA256 over bytes [0, 84) with the cluster key (auth = 1 only)
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace clocksim::node::wire {

inline constexpr std::uint32_t kMagic = 0x434C4B53;  // "CLKS"
inline constexpr std::uint8_t kVersion = 1;

inline constexpr std::size_t kHeaderSize = 28;
inline constexpr std::size_t kBodySize = 56;
inline constexpr std::size_t kMacSize = 32;
inline constexpr std::size_t kUnauthPacketSize = kHeaderSize + kBodySize;  // 84
inline constexpr std::size_t kAuthPacketSize = kUnauthPacketSize + kMacSize;  // 116
inline constexpr std::size_t kMaxPacketSize = kAuthPacketSize;

enum class AuthKind : std::uint8_t { kNone = 0, kHmacSha256 = 1 };

// Why an incoming datagram was dropped. The loop counts each reason separately (status socket).
enum class DropReason : std::uint8_t {
  kTruncated,        // shorter than its header or than its length field says
  kOversized,        // longer than any valid packet or than its length field says
  kBadMagic,
  kUnknownVersion,
  kBadLength,        // length field inconsistent with the auth kind
  kUnknownAuth,
  kUnknownType,      // not in the MsgType registry
  kMalformed,        // reserved bits set
  kWrongCluster,
  kUnauthenticated,  // no MAC where the cluster requires one (or a MAC an insecure node cannot check)
  kBadMac,           // MAC does not verify with the cluster key
  kUnknownSender,    // authentic but not a configured peer (or our own id)
  kReplay,           // sequence number already seen or too old for the window
};
inline constexpr std::size_t kDropReasonCount = 13;

std::string_view drop_reason_name(DropReason r);

}  // namespace clocksim::node::wire
