// NTPv4 packet header (RFC 5905 §7.3) and timestamp formats (§6), independent of the cluster
// wire format: clocksyncd speaks this on its NTP port so that real NTP software (chrony, ntpd,
// ntpdig, sntp) can query it and be queried by it.
//
//   0        leap(2) version(3) mode(3) | stratum | poll (int8) | precision (int8)
//   4        root delay       (NTP short format, 16.16 s)
//   8        root dispersion  (NTP short format)
//   12       reference id
//   16..47   reference, origin, receive and transmit timestamps (NTP 64-bit: 32.32 s since 1900)
// Anything after byte 48 (extension fields, a MAC) is ignored: this server authenticates nothing.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <variant>

namespace clocksim::node::wire {

inline constexpr std::size_t kNtpHeaderBytes = 48;
// Longest datagram accepted: a header plus extension fields (NTS uses a few hundred bytes).
inline constexpr std::size_t kNtpMaxBytes = 1024;
// Seconds from the NTP prime epoch (1900-01-01) to the Unix epoch (1970-01-01).
inline constexpr std::int64_t kNtpUnixEpochOffsetS = 2'208'988'800;

enum class NtpMode : std::uint8_t { kSymmetricActive = 1, kSymmetricPassive = 2, kClient = 3, kServer = 4, kBroadcast = 5 };

struct NtpPacket {
  std::uint8_t leap = 0;     // 0..3
  std::uint8_t version = 4;  // 1..7 on the wire; 3 and 4 accepted
  std::uint8_t mode = 0;     // NtpMode
  std::uint8_t stratum = 0;
  std::int8_t poll = 0;
  std::int8_t precision = 0;
  std::uint32_t root_delay = 0;      // NTP short format
  std::uint32_t root_dispersion = 0;
  std::uint32_t reference_id = 0;
  std::uint64_t reference_ts = 0;    // NTP 64-bit timestamps
  std::uint64_t origin_ts = 0;
  std::uint64_t receive_ts = 0;
  std::uint64_t transmit_ts = 0;
};

enum class NtpDrop : std::uint8_t { kTooShort, kTooLong, kBadVersion, kBadMode, kZeroTransmit };
std::string_view ntp_drop_name(NtpDrop d);
inline constexpr std::size_t kNtpDropCount = 5;

// Decodes a datagram; a drop reason for anything that is not a version-3/4 client or server
// packet with a transmit timestamp.
std::variant<NtpPacket, NtpDrop> decode_ntp(std::span<const std::uint8_t> bytes);
std::array<std::uint8_t, kNtpHeaderBytes> encode_ntp(const NtpPacket& p);

// ns since the Unix epoch -> NTP 64-bit timestamp (era folded away, fraction rounded to nearest).
std::uint64_t ntp_from_unix_ns(std::int64_t unix_ns);
// NTP 64-bit timestamp -> ns since the Unix epoch, in the era that puts it within 68 years of
// `pivot_unix_ns` (§6: the era is not on the wire; the receiver's own clock resolves it).
std::int64_t unix_ns_from_ntp(std::uint64_t ntp, std::int64_t pivot_unix_ns);
// ns <-> NTP short format (16.16 s), saturating at the format's limits; negative becomes 0.
std::uint32_t ntp_short_from_ns(std::int64_t ns);
std::int64_t ns_from_ntp_short(std::uint32_t v);

}  // namespace clocksim::node::wire
