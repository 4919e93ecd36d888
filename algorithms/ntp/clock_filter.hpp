// The clock filter (RFC 5905 §10, A.5.2): an 8-stage shift register of samples from one server.
// The sample of least delay is the one most likely to be accurate; the filter also yields the
// peer dispersion (older samples weigh less) and the peer jitter (RMS of offset differences).
#pragma once

#include <array>
#include <cstdint>

#include "algorithms/ntp/constants.hpp"
#include "algorithms/ntp/on_wire.hpp"

namespace clocksim::ntp {

struct FilterStage {
  std::int64_t t_ns = 0;  // local time of the sample
  double offset_s = 0;
  double delay_s = 0;
  double dispersion_s = 0;
};

struct FilterOutput {
  bool fresh = false;  // the chosen sample is newer than the last one used: select again
  double offset_s = 0;
  double delay_s = 0;
  double dispersion_s = 0;
  double jitter_s = 0;
  std::int64_t t_ns = 0;  // local time of the chosen sample
};

class ClockFilter {
 public:
  ClockFilter() { clear(0); }
  // Every stage empty (MAXDISP), as after a clock step.
  void clear(std::int64_t now_ns);
  // Shifts `s` in at local time now; `any_time` lets an older sample count (before the first
  // synchronization, A.5.2's "anything goes").
  FilterOutput add(const Sample& s, std::int64_t now_ns, bool any_time);
  const FilterOutput& last() const { return last_; }
  int valid_stages() const;

 private:
  std::array<FilterStage, kStages> stages_{};
  std::int64_t updated_ns_ = 0;  // last shift: dispersion grows by PHI from here
  std::int64_t used_ns_ = 0;     // time of the last sample handed to selection
  bool used_any_ = false;
  FilterOutput last_;
};

}  // namespace clocksim::ntp
