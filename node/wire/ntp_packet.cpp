#include "node/wire/ntp_packet.hpp"

#include "node/wire/bytes.hpp"

namespace clocksim::node::wire {

std::string_view ntp_drop_name(NtpDrop d) {
  switch (d) {
    case NtpDrop::kTooShort: return "ntp_too_short";
    case NtpDrop::kTooLong: return "ntp_too_long";
    case NtpDrop::kBadVersion: return "ntp_bad_version";
    case NtpDrop::kBadMode: return "ntp_bad_mode";
    case NtpDrop::kZeroTransmit: return "ntp_zero_transmit";
  }
  return "ntp_unknown";
}

std::variant<NtpPacket, NtpDrop> decode_ntp(std::span<const std::uint8_t> b) {
  if (b.size() < kNtpHeaderBytes) return NtpDrop::kTooShort;
  if (b.size() > kNtpMaxBytes) return NtpDrop::kTooLong;
  NtpPacket p;
  const std::uint8_t first = get_u8(&b[0]);
  p.leap = static_cast<std::uint8_t>(first >> 6);
  p.version = static_cast<std::uint8_t>((first >> 3) & 7);
  p.mode = static_cast<std::uint8_t>(first & 7);
  if (p.version < 3 || p.version > 4) return NtpDrop::kBadVersion;
  if (p.mode != static_cast<std::uint8_t>(NtpMode::kClient) && p.mode != static_cast<std::uint8_t>(NtpMode::kServer)) {
    return NtpDrop::kBadMode;
  }
  p.stratum = get_u8(&b[1]);
  p.poll = static_cast<std::int8_t>(get_u8(&b[2]));
  p.precision = static_cast<std::int8_t>(get_u8(&b[3]));
  p.root_delay = get_u32(&b[4]);
  p.root_dispersion = get_u32(&b[8]);
  p.reference_id = get_u32(&b[12]);
  p.reference_ts = get_u64(&b[16]);
  p.origin_ts = get_u64(&b[24]);
  p.receive_ts = get_u64(&b[32]);
  p.transmit_ts = get_u64(&b[40]);
  // A packet without a transmit timestamp can neither be answered (nothing to echo) nor used.
  if (p.transmit_ts == 0) return NtpDrop::kZeroTransmit;
  return p;
}

std::array<std::uint8_t, kNtpHeaderBytes> encode_ntp(const NtpPacket& p) {
  std::array<std::uint8_t, kNtpHeaderBytes> b{};
  put_u8(&b[0], static_cast<std::uint8_t>(((p.leap & 3) << 6) | ((p.version & 7) << 3) | (p.mode & 7)));
  put_u8(&b[1], p.stratum);
  put_u8(&b[2], static_cast<std::uint8_t>(p.poll));
  put_u8(&b[3], static_cast<std::uint8_t>(p.precision));
  put_u32(&b[4], p.root_delay);
  put_u32(&b[8], p.root_dispersion);
  put_u32(&b[12], p.reference_id);
  put_u64(&b[16], p.reference_ts);
  put_u64(&b[24], p.origin_ts);
  put_u64(&b[32], p.receive_ts);
  put_u64(&b[40], p.transmit_ts);
  return b;
}

namespace {
constexpr std::int64_t kNsPerS = 1'000'000'000;
// Floor division: timestamps before 1970 have negative ns.
std::int64_t floor_div(std::int64_t a, std::int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0)) ? 1 : 0); }
}  // namespace

std::uint64_t ntp_from_unix_ns(std::int64_t unix_ns) {
  const std::int64_t s = floor_div(unix_ns, kNsPerS);
  const std::int64_t ns = unix_ns - s * kNsPerS;  // 0 .. 1e9-1
  std::uint64_t seconds = static_cast<std::uint64_t>(s + kNtpUnixEpochOffsetS);
  std::uint64_t fraction = ((static_cast<std::uint64_t>(ns) << 32) + kNsPerS / 2) / kNsPerS;
  if (fraction >> 32) {  // rounded up to a whole second
    fraction = 0;
    ++seconds;
  }
  return ((seconds & 0xFFFFFFFFULL) << 32) | fraction;
}

std::int64_t unix_ns_from_ntp(std::uint64_t ntp, std::int64_t pivot_unix_ns) {
  const std::int64_t pivot_ntp_s = floor_div(pivot_unix_ns, kNsPerS) + kNtpUnixEpochOffsetS;
  const auto seconds = static_cast<std::uint32_t>(ntp >> 32);
  // The signed 32-bit difference picks the era nearest to the pivot.
  const auto diff = static_cast<std::int32_t>(seconds - static_cast<std::uint32_t>(pivot_ntp_s));
  const std::int64_t full_s = pivot_ntp_s + diff;
  const std::uint64_t fraction = ntp & 0xFFFFFFFFULL;
  const auto frac_ns = static_cast<std::int64_t>((fraction * kNsPerS + (1ULL << 31)) >> 32);
  return (full_s - kNtpUnixEpochOffsetS) * kNsPerS + frac_ns;
}

std::uint32_t ntp_short_from_ns(std::int64_t ns) {
  if (ns <= 0) return 0;
  const std::int64_t max_ns = (std::int64_t{0xFFFF} + 1) * kNsPerS;
  if (ns >= max_ns) return 0xFFFFFFFFU;
  // ns * 2^16 / 1e9 without overflow: ns < 2^16 * 1e9 < 2^46, times 2^16 < 2^62.
  return static_cast<std::uint32_t>(((static_cast<std::uint64_t>(ns) << 16) + kNsPerS / 2) / kNsPerS);
}

std::int64_t ns_from_ntp_short(std::uint32_t v) {
  return static_cast<std::int64_t>((static_cast<std::uint64_t>(v) * kNsPerS + (1U << 15)) >> 16);
}

}  // namespace clocksim::node::wire
