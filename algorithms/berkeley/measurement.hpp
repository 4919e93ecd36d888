// One slave's clock difference (slave − master) from a series of time-request probes.
//
// Per reply, with t1 = master send, t2 = slave receive, t3 = slave send, t4 = master receive
// (t1, t4 on the master's clock; t2, t3 on the slave's):
//   outbound = t2 − t1 = θ + d_fwd,   inbound = t4 − t3 = −θ + d_back,
// θ being the slave's offset from the master.
//   timed (measure.c): keep min(outbound) and min(inbound) separately (they may come from
//     different probes); θ̂ = (min_out − min_in)/2, error (d_fwd* − d_back*)/2, |.| <= u/2.
//   cristian: keep the probe with the smallest round trip (t4 − t1) − (t3 − t2) and take its
//     (outbound − inbound)/2 (Cristian 1989: the midpoint of the reply's possible arrival window).
//   no round-trip compensation (naive): θ̂ = −min(inbound), i.e. the slave's reading taken as if
//     its reply arrived instantly; the error is the one-way delay d_back* in [d − u, d].
#pragma once

#include <cstdint>
#include <optional>

#include "algorithms/berkeley/config.hpp"

namespace clocksim::berkeley {

class OffsetEstimator {
 public:
  OffsetEstimator(MeasurementMethod method, bool round_trip_compensation)
      : method_(method), compensate_(round_trip_compensation) {}

  void add(std::int64_t t1, std::int64_t t2, std::int64_t t3, std::int64_t t4);
  int samples() const { return samples_; }
  // Slave − master in ns; nullopt when no reply arrived.
  std::optional<std::int64_t> delta() const;
  // Smallest round trip seen (slave turnaround excluded); nullopt when no reply.
  std::optional<std::int64_t> min_rtt() const;

 private:
  MeasurementMethod method_;
  bool compensate_;
  int samples_ = 0;
  std::int64_t min_out_ = 0, min_in_ = 0;  // valid when samples_ > 0
  std::int64_t best_rtt_ = 0, best_out_ = 0, best_in_ = 0;
};

}  // namespace clocksim::berkeley
