#include "node/wire/codec.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "algorithms/core/election_id.hpp"
#include "node/wire/bytes.hpp"

namespace clocksim::node::wire {
namespace codec_test {

ClusterKey test_key(std::uint8_t fill = 0x11) { return ClusterKey(std::vector<std::uint8_t>(32, fill)); }

// The receiver's keyring: the key it shares with sender 3 under id 5.
Keyring ring_of(const ClusterKey& k) {
  Keyring r;
  r.add(3, 5, k);
  return r;
}

Message sample(MsgType type) {
  Message m;
  m.type = type;
  m.hops = 7;
  m.flags = 0xBEEF;
  m.seq = 0xDEADBEEF;
  m.subject = 42;
  m.term = 0x01020304;
  m.t1_ns = -1;
  m.t2_ns = 0x7FFFFFFFFFFFFFFF;
  m.t3_ns = static_cast<std::int64_t>(0x8000000000000000ULL);
  m.value_ns = -123456789;
  m.rate_ppb = 2000;
  return m;
}

void expect_same(const Message& a, const Message& b) {
  EXPECT_EQ(a.type, b.type);
  EXPECT_EQ(a.hops, b.hops);
  EXPECT_EQ(a.flags, b.flags);
  EXPECT_EQ(a.seq, b.seq);
  EXPECT_EQ(a.subject, b.subject);
  EXPECT_EQ(a.term, b.term);
  EXPECT_EQ(a.t1_ns, b.t1_ns);
  EXPECT_EQ(a.t2_ns, b.t2_ns);
  EXPECT_EQ(a.t3_ns, b.t3_ns);
  EXPECT_EQ(a.value_ns, b.value_ns);
  EXPECT_EQ(a.rate_ppb, b.rate_ppb);
}

constexpr Envelope kEnv{7, 3, 4, 5, 0x1111222233334444ULL, 0x5555666677778888ULL, 0x0123456789ABCDEFULL,
                        PacketKind::kMessage};

std::vector<std::uint8_t> bytes_of(const Packet& p) { return {p.bytes.begin(), p.bytes.begin() + static_cast<long>(p.size)}; }

TEST(WireCodec, RoundTripsEveryRegisteredTypeAuthenticated) {
  const ClusterKey key = test_key();
  int types = 0;
  for (int raw = 0; raw < 256; ++raw) {
    if (!is_known_msg_type(static_cast<std::uint8_t>(raw))) continue;
    ++types;
    const Message m = sample(static_cast<MsgType>(raw));
    const Packet p = encode(kEnv, m, &key);
    ASSERT_EQ(p.size, kAuthPacketSize);
    const Keyring ring = ring_of(key);
    const DecodeResult r = decode(p.view(), kEnv.cluster, kEnv.receiver, &ring);
    ASSERT_TRUE(r.ok()) << msg_type_name(m.type) << ": " << drop_reason_name(r.reason);
    expect_same(m, r.packet->message);
    const Envelope& e = r.packet->envelope;
    EXPECT_EQ(e.cluster, kEnv.cluster);
    EXPECT_EQ(e.sender, kEnv.sender);
    EXPECT_EQ(e.receiver, kEnv.receiver);
    EXPECT_EQ(e.key_id, kEnv.key_id);
    EXPECT_EQ(e.sender_epoch, kEnv.sender_epoch);
    EXPECT_EQ(e.receiver_epoch, kEnv.receiver_epoch);
    EXPECT_EQ(e.counter, kEnv.counter);
    EXPECT_EQ(e.kind, PacketKind::kMessage);
  }
  EXPECT_GE(types, 26);  // the registry in message.hpp
}

// An election's id rides on fields every packet carries (sender, term, subject, value_ns), so the
// receiver of a decoded packet names the same election the sender did (n3#9 here: the envelope's
// sender is 3), whatever the election message.
TEST(WireCodec, ElectionIdsSurviveTheRoundTrip) {
  const ClusterKey key = test_key();
  const Keyring ring = ring_of(key);
  for (MsgType type : {MsgType::kElection, MsgType::kAccept, MsgType::kBullyElection, MsgType::kBullyOk,
                       MsgType::kBullyCoordinator, MsgType::kRingElection, MsgType::kRingElected}) {
    Message m = make_message(type, 11);
    m.term = 9;
    m.subject = 3;
    m.value_ns = 3;
    const auto sent = election_of_message(kEnv.sender, kEnv.receiver, m);
    ASSERT_TRUE(sent.has_value()) << msg_type_name(type);
    const DecodeResult r = decode(encode(kEnv, m, &key).view(), kEnv.cluster, kEnv.receiver, &ring);
    ASSERT_TRUE(r.ok()) << msg_type_name(type);
    const auto& e = r.packet->envelope;
    EXPECT_EQ(election_of_message(e.sender, e.receiver, r.packet->message), sent) << msg_type_name(type);
  }
}

TEST(WireCodec, RoundTripsEveryRegisteredTypeInsecure) {
  for (int raw = 1; raw < 256; ++raw) {
    if (!is_known_msg_type(static_cast<std::uint8_t>(raw))) continue;
    const Message m = sample(static_cast<MsgType>(raw));
    const Packet p = encode(kEnv, m, nullptr);
    ASSERT_EQ(p.size, kUnauthPacketSize);
    const DecodeResult r = decode(p.view(), kEnv.cluster, kEnv.receiver, nullptr);
    ASSERT_TRUE(r.ok()) << drop_reason_name(r.reason);
    expect_same(m, r.packet->message);
  }
}

TEST(WireCodec, LayoutIsBigEndianAtDocumentedOffsets) {
  const ClusterKey key = test_key();
  const Packet p = encode(kEnv, sample(MsgType::kAdjust), &key);
  const std::uint8_t* b = p.bytes.data();
  EXPECT_EQ(get_u32(b + 0), kMagic);
  EXPECT_EQ(b[0], 'C');
  EXPECT_EQ(b[4], kVersion);
  EXPECT_EQ(b[5], static_cast<std::uint8_t>(MsgType::kAdjust));
  EXPECT_EQ(get_u16(b + 6), kAuthPacketSize);
  EXPECT_EQ(b[8], 1);
  EXPECT_EQ(b[9], 0);  // kind: message
  EXPECT_EQ(get_u32(b + 12), 7u);
  EXPECT_EQ(get_u32(b + 16), 3u);
  EXPECT_EQ(get_u32(b + 20), 4u);
  EXPECT_EQ(get_u32(b + 24), 5u);
  EXPECT_EQ(get_u64(b + 28), 0x1111222233334444ULL);
  EXPECT_EQ(get_u64(b + 36), 0x5555666677778888ULL);
  EXPECT_EQ(b[44], 0x01);
  EXPECT_EQ(b[51], 0xEF);
  EXPECT_EQ(b[52], 7);  // hops
  EXPECT_EQ(get_u32(b + 56), 0xDEADBEEFu);
  EXPECT_EQ(get_i64(b + 92), -123456789);
  const Mac mac = key.mac({b, kUnauthPacketSize});
  EXPECT_TRUE(std::equal(mac.begin(), mac.end(), b + kUnauthPacketSize));
}

struct Case {
  const char* name;
  DropReason expected;
};

DropReason reason_of(const std::vector<std::uint8_t>& d, const ClusterKey* key, std::uint32_t cluster = kEnv.cluster,
                     NodeId self = kEnv.receiver) {
  const Keyring ring = key ? ring_of(*key) : Keyring{};
  const DecodeResult r = decode(d, cluster, self, key ? &ring : nullptr);
  EXPECT_FALSE(r.ok());
  return r.reason;
}

TEST(WireCodec, RejectsTruncatedPackets) {
  const ClusterKey key = test_key();
  const auto full = bytes_of(encode(kEnv, sample(MsgType::kTimeRequest), &key));
  for (std::size_t n = 0; n < full.size(); ++n) {
    const std::vector<std::uint8_t> cut(full.begin(), full.begin() + static_cast<long>(n));
    EXPECT_EQ(reason_of(cut, &key), DropReason::kTruncated) << "length " << n;
  }
}

TEST(WireCodec, RejectsOversizedPackets) {
  const ClusterKey key = test_key();
  auto d = bytes_of(encode(kEnv, sample(MsgType::kTimeRequest), &key));
  d.push_back(0);
  EXPECT_EQ(reason_of(d, &key), DropReason::kOversized);
  d.resize(4096, 0xAA);
  EXPECT_EQ(reason_of(d, &key), DropReason::kOversized);
  // An unauthenticated packet with trailing bytes is oversized for its own length field too.
  auto u = bytes_of(encode(kEnv, sample(MsgType::kTimeRequest), nullptr));
  u.push_back(0);
  EXPECT_EQ(reason_of(u, nullptr), DropReason::kOversized);
}

TEST(WireCodec, RejectsUnknownVersionBeforeLookingAtSizes) {
  const ClusterKey key = test_key();
  auto d = bytes_of(encode(kEnv, sample(MsgType::kTimeRequest), &key));
  d[4] = 3;
  EXPECT_EQ(reason_of(d, &key), DropReason::kUnknownVersion);
  d.resize(1000);  // a future version may be longer: still "unknown version"
  EXPECT_EQ(reason_of(d, &key), DropReason::kUnknownVersion);
  d[4] = 0;
  EXPECT_EQ(reason_of(d, &key), DropReason::kUnknownVersion);
}

TEST(WireCodec, RejectsUnknownTypes) {
  const ClusterKey key = test_key();
  for (int raw : {0, 6, 9, 22, 29, 33, 42, 52, 62, 71, 255}) {
    auto d = bytes_of(encode(kEnv, sample(MsgType::kTimeRequest), &key));
    d[5] = static_cast<std::uint8_t>(raw);
    EXPECT_EQ(reason_of(d, &key), DropReason::kUnknownType) << raw;
  }
}

TEST(WireCodec, RejectsBadMagicLengthAuthReservedAndCluster) {
  const ClusterKey key = test_key();
  const auto good = bytes_of(encode(kEnv, sample(MsgType::kAdjust), &key));
  auto d = good;
  d[0] = 'X';
  EXPECT_EQ(reason_of(d, &key), DropReason::kBadMagic);
  d = good;
  put_u16(d.data() + 6, kUnauthPacketSize);
  EXPECT_EQ(reason_of(d, &key), DropReason::kBadLength);
  d = good;
  d[8] = 9;
  EXPECT_EQ(reason_of(d, &key), DropReason::kUnknownAuth);
  for (std::size_t at : {10u, 11u, 53u}) {
    d = good;
    d[at] = 1;
    EXPECT_EQ(reason_of(d, &key), DropReason::kMalformed) << at;
  }
  d = good;
  d[9] = 3;  // unknown packet kind
  EXPECT_EQ(reason_of(d, &key), DropReason::kMalformed);
  EXPECT_EQ(reason_of(good, &key, kEnv.cluster + 1), DropReason::kWrongCluster);
  EXPECT_EQ(reason_of(good, &key, kEnv.cluster, kEnv.receiver + 1), DropReason::kWrongReceiver);
  d = good;
  put_u32(d.data() + 24, 6);  // a key id the receiver does not have for this sender
  EXPECT_EQ(reason_of(d, &key), DropReason::kUnknownKey);
}

TEST(WireCodec, RejectsForgedAndWronglyKeyedPackets) {
  const ClusterKey key = test_key(0x11);
  const ClusterKey other = test_key(0x22);
  const auto good = bytes_of(encode(kEnv, sample(MsgType::kAdjust), &key));
  EXPECT_EQ(reason_of(bytes_of(encode(kEnv, sample(MsgType::kAdjust), &other)), &key), DropReason::kBadMac);
  // Flipping any single bit of the authenticated bytes breaks the MAC (or an earlier check).
  for (std::size_t i = 0; i < good.size(); ++i) {
    auto d = good;
    d[i] ^= 0x01;
    const Keyring ring = ring_of(key);
    EXPECT_FALSE(decode(d, kEnv.cluster, kEnv.receiver, &ring).ok()) << "byte " << i;
  }
  auto d = good;
  d[64] ^= 0x80;  // term: only the MAC can notice
  EXPECT_EQ(reason_of(d, &key), DropReason::kBadMac);
  d = good;
  d[47] ^= 0x01;  // the counter: only the MAC can notice
  EXPECT_EQ(reason_of(d, &key), DropReason::kBadMac);
  d = good;
  d[23] ^= 0x01;  // the receiver id: bound by the MAC, so a re-addressed packet fails
  EXPECT_EQ(reason_of(d, &key, kEnv.cluster, kEnv.receiver ^ 1), DropReason::kBadMac);
}

TEST(WireCodec, SecureAndInsecureNodesRejectEachOther) {
  const ClusterKey key = test_key();
  EXPECT_EQ(reason_of(bytes_of(encode(kEnv, sample(MsgType::kAdjust), nullptr)), &key), DropReason::kUnauthenticated);
  EXPECT_EQ(reason_of(bytes_of(encode(kEnv, sample(MsgType::kAdjust), &key)), nullptr), DropReason::kUnauthenticated);
}

TEST(WireCodec, HellosCarryNoBodyAndRoundTrip) {
  const ClusterKey key = test_key();
  for (PacketKind kind : {PacketKind::kHelloRequest, PacketKind::kHello}) {
    Envelope env = kEnv;
    env.kind = kind;
    const auto bytes = bytes_of(encode(env, sample(MsgType::kAdjust), &key));  // the body is ignored
    const Keyring ring = ring_of(key);
    const DecodeResult r = decode(bytes, kEnv.cluster, kEnv.receiver, &ring);
    ASSERT_TRUE(r.ok()) << drop_reason_name(r.reason);
    EXPECT_EQ(r.packet->envelope.kind, kind);
    EXPECT_EQ(r.packet->message.type, MsgType::kNone);
    EXPECT_EQ(r.packet->message.value_ns, 0);
    EXPECT_EQ(bytes_of(encode(r.packet->envelope, r.packet->message, &key)), bytes);
    // A hello with a body or a type is not canonical.
    auto d = bytes_of(encode(env, Message{}, nullptr));
    d[100] = 1;
    EXPECT_EQ(reason_of(d, nullptr), DropReason::kMalformed);
    d = bytes_of(encode(env, Message{}, nullptr));
    d[5] = static_cast<std::uint8_t>(MsgType::kAdjust);
    EXPECT_EQ(reason_of(d, nullptr), DropReason::kUnknownType);
  }
}

TEST(WireCodec, EveryReasonHasAName) {
  for (std::size_t i = 0; i < kDropReasonCount; ++i) {
    EXPECT_NE(drop_reason_name(static_cast<DropReason>(i)), "?") << i;
  }
}

}  // namespace codec_test
}  // namespace clocksim::node::wire
