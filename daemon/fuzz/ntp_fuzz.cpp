// libFuzzer target for the NTPv4 packet codec (node/wire/ntp_packet): any datagram either
// decodes into a packet that re-encodes to its first 48 bytes, or is dropped with a reason; the
// timestamp conversions never trap (UBSan) for any value and pivot the input can give.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <span>
#include <variant>

#include "node/wire/ntp_packet.hpp"

using namespace clocksim::node::wire;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto d = decode_ntp(std::span<const std::uint8_t>(data, size));
  if (const auto* p = std::get_if<NtpPacket>(&d)) {
    if (size < kNtpHeaderBytes) std::abort();
    const auto again = encode_ntp(*p);
    if (std::memcmp(again.data(), data, kNtpHeaderBytes) != 0) std::abort();
    // Pivots within +-2^62 ns of the epoch: the daemon's own clock is never further out.
    std::int64_t pivot = 0;
    std::memcpy(&pivot, data + 16, sizeof pivot);
    pivot >>= 2;
    const std::int64_t t = unix_ns_from_ntp(p->transmit_ts, pivot);
    (void)ntp_from_unix_ns(t);
    (void)ns_from_ntp_short(p->root_delay);
    (void)ntp_short_from_ns(t);
  }
  return 0;
}
