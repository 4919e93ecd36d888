#include "algorithms/ntp/on_wire.hpp"

#include <algorithm>

#include "algorithms/ntp/constants.hpp"

namespace clocksim::ntp {

Sample exchange_sample(std::int64_t t1_ns, std::int64_t t2_ns, std::int64_t t3_ns, std::int64_t t4_ns) {
  // Differences first: each is small even when the timestamps are near 2^62 ns.
  const std::int64_t forward_ns = t2_ns - t1_ns;
  const std::int64_t backward_ns = t3_ns - t4_ns;
  Sample s;
  s.offset_s = (static_cast<double>(forward_ns) + static_cast<double>(backward_ns)) * 0.5e-9;
  const double precision_s = log2d(kPrecisionLog2);
  // A negative delay (the server's turnaround longer than the round trip: a clock error) is
  // clamped to the precision, as §8 does.
  s.delay_s = std::max(static_cast<double>((t4_ns - t1_ns) - (t3_ns - t2_ns)) * 1e-9, precision_s);
  s.dispersion_s = 2 * precision_s + kPhi * static_cast<double>(t4_ns - t1_ns) * 1e-9;
  return s;
}

}  // namespace clocksim::ntp
