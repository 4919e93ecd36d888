#include "algorithms/ftavg/clock_reading.hpp"

namespace clocksim::ftavg {

Message clock_reading_request(std::uint32_t round, LocalTime now) {
  Message m = make_message(MsgType::kTimeRequest, round);
  m.term = round;
  m.t1_ns = now.ns();
  return m;
}

Message clock_reading_reply(const Message& request, LocalTime now) {
  Message r = make_message(MsgType::kTimeReply, request.seq);
  r.term = request.term;
  r.t1_ns = request.t1_ns;
  r.t2_ns = now.ns();
  r.t3_ns = now.ns();
  return r;
}

std::optional<std::int64_t> peer_offset_estimate_ns(std::int64_t t1, std::int64_t t3, std::int64_t t4) {
  // The peer read t3 somewhere in [t1, t4] of our clock; the midpoint errs by (d_fwd - d_back)/2.
  std::int64_t rtt = 0, mid = 0, est = 0;
  if (__builtin_sub_overflow(t4, t1, &rtt) || __builtin_add_overflow(t1, rtt / 2, &mid) ||
      __builtin_sub_overflow(t3, mid, &est)) {
    return std::nullopt;
  }
  return est;
}

}  // namespace clocksim::ftavg
