#include "node/wire/ntp_packet.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace clocksim::node::wire {
namespace {

// A chrony client request as captured on the wire (version 4, mode 3, transmit timestamp set).
std::vector<std::uint8_t> client_request(std::uint64_t xmt) {
  NtpPacket p;
  p.leap = 3;
  p.version = 4;
  p.mode = 3;
  p.poll = 6;
  p.precision = -20;
  p.transmit_ts = xmt;
  const auto b = encode_ntp(p);
  return {b.begin(), b.end()};
}

TEST(NtpPacket, EncodeDecodeRoundTrip) {
  NtpPacket p;
  p.leap = 0;
  p.version = 4;
  p.mode = 4;
  p.stratum = 2;
  p.poll = -3;
  p.precision = -20;
  p.root_delay = 0x00012345;
  p.root_dispersion = 0x00000ABC;
  p.reference_id = 0x7F000001;
  p.reference_ts = 0x1111111122222222ULL;
  p.origin_ts = 0x3333333344444444ULL;
  p.receive_ts = 0x5555555566666666ULL;
  p.transmit_ts = 0x7777777788888888ULL;
  const auto b = encode_ntp(p);
  EXPECT_EQ(b[0], 0x24);  // LI 0, VN 4, mode 4
  EXPECT_EQ(b[1], 2);
  EXPECT_EQ(b[2], 0xFD);
  EXPECT_EQ(b[12], 0x7F);
  const auto d = decode_ntp(b);
  ASSERT_TRUE(std::holds_alternative<NtpPacket>(d));
  const auto& q = std::get<NtpPacket>(d);
  EXPECT_EQ(q.poll, -3);
  EXPECT_EQ(q.root_delay, p.root_delay);
  EXPECT_EQ(q.origin_ts, p.origin_ts);
  EXPECT_EQ(q.transmit_ts, p.transmit_ts);
  EXPECT_EQ(encode_ntp(q), b);
}

TEST(NtpPacket, MalformedPacketsAreDroppedWithAReason) {
  auto req = client_request(0x0102030405060708ULL);
  EXPECT_EQ(std::get<NtpDrop>(decode_ntp(std::span(req).first(47))), NtpDrop::kTooShort);
  std::vector<std::uint8_t> huge(kNtpMaxBytes + 1, 0);
  EXPECT_EQ(std::get<NtpDrop>(decode_ntp(huge)), NtpDrop::kTooLong);
  auto v2 = req;
  v2[0] = static_cast<std::uint8_t>((v2[0] & 0xC7) | (2 << 3));
  EXPECT_EQ(std::get<NtpDrop>(decode_ntp(v2)), NtpDrop::kBadVersion);
  auto broadcast = req;
  broadcast[0] = static_cast<std::uint8_t>((broadcast[0] & 0xF8) | 5);
  EXPECT_EQ(std::get<NtpDrop>(decode_ntp(broadcast)), NtpDrop::kBadMode);
  EXPECT_EQ(std::get<NtpDrop>(decode_ntp(client_request(0))), NtpDrop::kZeroTransmit);
  // Extension fields / a MAC after the header are tolerated (and ignored).
  auto with_mac = req;
  with_mac.resize(68, 0xAB);
  EXPECT_TRUE(std::holds_alternative<NtpPacket>(decode_ntp(with_mac)));
  // Version 3 is accepted.
  auto v3 = req;
  v3[0] = static_cast<std::uint8_t>((v3[0] & 0xC7) | (3 << 3));
  EXPECT_TRUE(std::holds_alternative<NtpPacket>(decode_ntp(v3)));
}

// RFC 5905 §6: the Unix epoch is NTP second 2208988800; half a second is fraction 2^31.
TEST(NtpPacket, TimestampKnownAnswers) {
  EXPECT_EQ(ntp_from_unix_ns(0), 2208988800ULL << 32);
  EXPECT_EQ(ntp_from_unix_ns(500'000'000), (2208988800ULL << 32) | 0x80000000ULL);
  EXPECT_EQ(unix_ns_from_ntp((2208988800ULL << 32) | 0x80000000ULL, 0), 500'000'000);
  // 2036-02-07 06:28:16 UTC is the end of era 0: NTP second 2^32 wraps to 0 (era 1).
  const std::int64_t era1_start_unix_s = (std::int64_t{1} << 32) - 2208988800LL;
  const std::int64_t t = (era1_start_unix_s + 10) * 1'000'000'000LL + 250'000'000;
  const std::uint64_t raw = ntp_from_unix_ns(t);
  EXPECT_EQ(raw >> 32, 10u);
  EXPECT_EQ(unix_ns_from_ntp(raw, t - 3600LL * 1'000'000'000), t);  // pivot in era 1
  EXPECT_EQ(unix_ns_from_ntp(ntp_from_unix_ns(t - 20'000'000'000LL), t), t - 20'000'000'000LL);  // pivot after, value before the wrap
}

TEST(NtpPacket, TimestampRoundTripWithinANanosecond) {
  for (std::int64_t ns : {std::int64_t{1'700'000'000'123'456'789}, std::int64_t{999'999'999}, std::int64_t{-1},
                          std::int64_t{1'000'000'000'000'000'000}}) {
    const std::int64_t back = unix_ns_from_ntp(ntp_from_unix_ns(ns), ns);
    EXPECT_LE(std::llabs(back - ns), 1) << ns;
  }
}

TEST(NtpPacket, ShortFormatSaturates) {
  EXPECT_EQ(ntp_short_from_ns(1'000'000'000), 0x00010000u);
  EXPECT_EQ(ntp_short_from_ns(-5), 0u);
  EXPECT_EQ(ntp_short_from_ns(std::int64_t{1} << 62), 0xFFFFFFFFu);
  EXPECT_EQ(ns_from_ntp_short(0x00008000u), 500'000'000);
}

}  // namespace
}  // namespace clocksim::node::wire
