// The on-wire protocol's arithmetic (RFC 5905 §8): one client/server exchange of four timestamps
// gives an offset, a round-trip delay and the dispersion the sample starts with.
#pragma once

#include <cstdint>

namespace clocksim::ntp {

struct Sample {
  double offset_s = 0;      // theta = ((t2 - t1) + (t3 - t4)) / 2: server minus client
  double delay_s = 0;       // delta = (t4 - t1) - (t3 - t2), at least the clock precision
  double dispersion_s = 0;  // epsilon = both precisions + PHI * (t4 - t1)
};

// t1 client transmit, t2 server receive, t3 server transmit, t4 client receive; t1/t4 on the
// client's clock, t2/t3 on the server's. Computed in integer ns first so that large epochs lose
// no precision.
Sample exchange_sample(std::int64_t t1_ns, std::int64_t t2_ns, std::int64_t t3_ns, std::int64_t t4_ns);

}  // namespace clocksim::ntp
