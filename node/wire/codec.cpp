#include "node/wire/codec.hpp"

#include "node/wire/bytes.hpp"

namespace clocksim::node::wire {

std::string_view drop_reason_name(DropReason r) {
  switch (r) {
    case DropReason::kTruncated: return "truncated";
    case DropReason::kOversized: return "oversized";
    case DropReason::kBadMagic: return "bad_magic";
    case DropReason::kUnknownVersion: return "unknown_version";
    case DropReason::kBadLength: return "bad_length";
    case DropReason::kUnknownAuth: return "unknown_auth";
    case DropReason::kUnknownType: return "unknown_type";
    case DropReason::kMalformed: return "malformed";
    case DropReason::kWrongCluster: return "wrong_cluster";
    case DropReason::kUnauthenticated: return "unauthenticated";
    case DropReason::kBadMac: return "bad_mac";
    case DropReason::kUnknownSender: return "unknown_sender";
    case DropReason::kReplay: return "replay";
  }
  return "?";
}

namespace {
// Field offsets (format.hpp).
constexpr std::size_t kOffMagic = 0, kOffVersion = 4, kOffType = 5, kOffLength = 6, kOffAuth = 8,
                      kOffReserved = 9, kOffCluster = 12, kOffSender = 16, kOffSenderSeq = 20;
constexpr std::size_t kOffHops = 28, kOffBodyReserved = 29, kOffFlags = 30, kOffSeq = 32,
                      kOffSubject = 36, kOffTerm = 40, kOffT1 = 44, kOffT2 = 52, kOffT3 = 60,
                      kOffValue = 68, kOffRate = 76;
static_assert(kOffRate + 8 == kUnauthPacketSize);

DecodeResult drop(DropReason r) {
  DecodeResult res;
  res.reason = r;
  return res;
}
}  // namespace

Packet encode(const Envelope& env, const Message& msg, const ClusterKey* key) {
  Packet p;
  std::uint8_t* b = p.bytes.data();
  p.size = key ? kAuthPacketSize : kUnauthPacketSize;
  put_u32(b + kOffMagic, kMagic);
  put_u8(b + kOffVersion, kVersion);
  put_u8(b + kOffType, static_cast<std::uint8_t>(msg.type));
  put_u16(b + kOffLength, static_cast<std::uint16_t>(p.size));
  put_u8(b + kOffAuth, static_cast<std::uint8_t>(key ? AuthKind::kHmacSha256 : AuthKind::kNone));
  put_u32(b + kOffCluster, env.cluster);
  put_u32(b + kOffSender, env.sender);
  put_u64(b + kOffSenderSeq, env.sender_seq);
  put_u8(b + kOffHops, msg.hops);
  put_u16(b + kOffFlags, msg.flags);
  put_u32(b + kOffSeq, msg.seq);
  put_u32(b + kOffSubject, msg.subject);
  put_u32(b + kOffTerm, msg.term);
  put_i64(b + kOffT1, msg.t1_ns);
  put_i64(b + kOffT2, msg.t2_ns);
  put_i64(b + kOffT3, msg.t3_ns);
  put_i64(b + kOffValue, msg.value_ns);
  put_i64(b + kOffRate, msg.rate_ppb);
  if (key) {
    const Mac mac = key->mac({b, kUnauthPacketSize});
    std::copy(mac.begin(), mac.end(), b + kUnauthPacketSize);
  }
  return p;
}

DecodeResult decode(std::span<const std::uint8_t> d, std::uint32_t cluster, const ClusterKey* key) {
  // Order matters: nothing is read before its bytes are known to exist, and the version is
  // checked before any version-dependent size.
  if (d.size() < kOffVersion + 1) return drop(DropReason::kTruncated);
  const std::uint8_t* b = d.data();
  if (get_u32(b + kOffMagic) != kMagic) return drop(DropReason::kBadMagic);
  if (get_u8(b + kOffVersion) != kVersion) return drop(DropReason::kUnknownVersion);
  if (d.size() > kMaxPacketSize) return drop(DropReason::kOversized);
  if (d.size() < kHeaderSize) return drop(DropReason::kTruncated);

  const std::size_t length = get_u16(b + kOffLength);
  const std::uint8_t auth = get_u8(b + kOffAuth);
  if (auth != static_cast<std::uint8_t>(AuthKind::kNone) && auth != static_cast<std::uint8_t>(AuthKind::kHmacSha256)) {
    return drop(DropReason::kUnknownAuth);
  }
  const std::size_t expected = auth == static_cast<std::uint8_t>(AuthKind::kNone) ? kUnauthPacketSize : kAuthPacketSize;
  if (length != expected) return drop(DropReason::kBadLength);
  if (d.size() < length) return drop(DropReason::kTruncated);
  if (d.size() > length) return drop(DropReason::kOversized);

  if (!is_known_msg_type(get_u8(b + kOffType))) return drop(DropReason::kUnknownType);
  if (b[kOffReserved] != 0 || b[kOffReserved + 1] != 0 || b[kOffReserved + 2] != 0 || b[kOffBodyReserved] != 0) {
    return drop(DropReason::kMalformed);
  }
  if (get_u32(b + kOffCluster) != cluster) return drop(DropReason::kWrongCluster);

  if (key) {
    if (auth != static_cast<std::uint8_t>(AuthKind::kHmacSha256)) return drop(DropReason::kUnauthenticated);
    if (!key->verify(d.first(kUnauthPacketSize), d.subspan(kUnauthPacketSize, kMacSize))) {
      return drop(DropReason::kBadMac);
    }
  } else if (auth != static_cast<std::uint8_t>(AuthKind::kNone)) {
    // An insecure node cannot check a MAC; accepting the packet would pretend it had.
    return drop(DropReason::kUnauthenticated);
  }

  Decoded out;
  out.envelope.cluster = get_u32(b + kOffCluster);
  out.envelope.sender = get_u32(b + kOffSender);
  out.envelope.sender_seq = get_u64(b + kOffSenderSeq);
  Message& m = out.message;
  m.type = static_cast<MsgType>(get_u8(b + kOffType));
  m.hops = get_u8(b + kOffHops);
  m.flags = get_u16(b + kOffFlags);
  m.seq = get_u32(b + kOffSeq);
  m.subject = get_u32(b + kOffSubject);
  m.term = get_u32(b + kOffTerm);
  m.t1_ns = get_i64(b + kOffT1);
  m.t2_ns = get_i64(b + kOffT2);
  m.t3_ns = get_i64(b + kOffT3);
  m.value_ns = get_i64(b + kOffValue);
  m.rate_ppb = get_i64(b + kOffRate);
  DecodeResult res;
  res.packet = out;
  return res;
}

}  // namespace clocksim::node::wire
