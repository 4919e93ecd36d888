// How an NTP packet's fields sit in the shared Message struct (RFC 5905 §7.3). The daemon's
// NTPv4 codec (node/wire/ntp_packet) converts between this and the 48-byte wire header.
//
//   kNtpRequest (mode 3): t1_ns = the client's transmit timestamp (xmt); the rest unused.
//   kNtpReply   (mode 4): t1_ns = origin (the request's xmt, echoed), t2_ns = receive,
//                         t3_ns = transmit; hops = stratum; flags = leap | poll << 8;
//                         subject = reference id (the server's system peer; kNoNode for a
//                         reference clock or its local clock); value_ns = root delay;
//                         rate_ppb = root dispersion in ns; term = the reference time (when the
//                         server's clock was last updated) as its age at t2 in ms, saturating at
//                         kReferenceAgeMaxMs (49 days), or kNoReference when there is none.
#pragma once

#include <cstdint>

#include "algorithms/core/message.hpp"
#include "algorithms/ntp/constants.hpp"

namespace clocksim::ntp {

// The reply's term when the server's clock has never been set or corrected (RFC 5905, 7.3: the
// reference timestamp is then 0).
inline constexpr std::uint32_t kNoReference = 0xFFFFFFFFU;
inline constexpr std::uint32_t kReferenceAgeMaxMs = kNoReference - 1;

struct ReplyHeader {
  Leap leap = Leap::kNotSynchronized;
  int stratum = 0;
  int poll = 0;
  NodeId reference_id = kNoNode;
  std::int64_t root_delay_ns = 0;
  std::int64_t root_dispersion_ns = 0;
  std::uint32_t reference_age_ms = kNoReference;
};

inline void put_header(Message& m, const ReplyHeader& h) {
  m.hops = static_cast<std::uint8_t>(h.stratum);
  m.flags = static_cast<std::uint16_t>((static_cast<unsigned>(h.leap) & 3u) |
                                       (static_cast<unsigned>(static_cast<std::uint8_t>(h.poll)) << 8));
  m.subject = h.reference_id;
  m.value_ns = h.root_delay_ns;
  m.rate_ppb = h.root_dispersion_ns;
  m.term = h.reference_age_ms;
}

inline ReplyHeader get_header(const Message& m) {
  ReplyHeader h;
  h.leap = static_cast<Leap>(m.flags & 3u);
  h.stratum = m.hops;
  h.poll = static_cast<std::int8_t>(static_cast<std::uint8_t>(m.flags >> 8));
  h.reference_id = m.subject;
  h.root_delay_ns = m.value_ns;
  h.root_dispersion_ns = m.rate_ppb;
  h.reference_age_ms = m.term;
  return h;
}

}  // namespace clocksim::ntp
