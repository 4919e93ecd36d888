// A software clock over CLOCK_MONOTONIC with a configurable drift and offset: each daemon on one
// host gets its own imperfect clock (like libfaketime, but in-process), so a cluster on loopback
// behaves like machines with real crystals. Used by demos and the test suite.
//
// local(m) = L0 + (m − M0)·(1 + (drift + correction)·1e-6) + slewed(m), re-based at every
// adjustment; the same shape as the simulator's clock model, minus wander and sine.
#pragma once

#include "daemon/clock/clock.hpp"

namespace clocksim::daemon {

struct VirtualClockParams {
  double drift_ppm = 0;
  Duration initial_offset;    // local − system clock at start
  double max_slew_ppm = 500;  // adjtime's bounded slew rate (Linux: 500 ppm)
};

class VirtualClock final : public Clock {
 public:
  // |drift + correction| must stay below this (a tenth of real time); beyond, set_rate throws.
  static constexpr double kMaxAbsRatePpm = 100'000;

  VirtualClock(const VirtualClockParams& params, TimeSource& source);

  std::string_view backend() const override { return "virtual"; }
  LocalTime now() override;
  void step(Duration delta) override;
  void slew(Duration delta) override;
  void set_rate_correction_ppm(double ppm) override;
  Duration monotonic_span(Duration local_span) override;
  Duration offset_from_system() override;
  Duration pending_slew() override;
  double rate_correction_ppm() const override { return correction_ppm_; }

 private:
  std::int64_t local_ns(std::int64_t m) const;
  double slew_done_ns(std::int64_t m) const;
  void rebase(std::int64_t m);

  TimeSource& source_;
  double drift_ppm_;
  double correction_ppm_ = 0;
  double max_slew_ppm_;
  std::int64_t m0_ns_;
  std::int64_t l0_ns_;
  std::int64_t slew_start_ns_;
  double slew_total_ns_ = 0;
};

}  // namespace clocksim::daemon
