// A software clock over CLOCK_MONOTONIC with a configurable drift and offset: each daemon on one
// host gets its own imperfect clock (like libfaketime, but in-process), so a cluster on loopback
// behaves like machines with real crystals. Used by demos and the test suite.
//
// The arithmetic (rate, re-basing, step, adjtime-like slew, rounding) is LinearClock's
// (algorithms/core/linear_clock.hpp) over CLOCK_MONOTONIC, the very code of the simulator's clock
// model; this class only reads the time source.
#pragma once

#include "algorithms/core/linear_clock.hpp"
#include "node/clock/clock.hpp"

namespace clocksim::node {

struct VirtualClockParams {
  double drift_ppm = 0;
  Duration initial_offset;    // local − system clock at start
  double max_slew_ppm = 500;  // adjtime's bounded slew rate (Linux: 500 ppm)
};

class VirtualClock final : public Clock {
 public:
  // |drift| (at most) and |correction| (below) must each stay within this (a tenth of real time), and the slew rate
  // at most kMaxSlewPpm: together they leave the clock running forward (at −1e6 ppm it would stand
  // still and every timer would be due at once). Beyond, the constructor and set_rate throw.
  static constexpr double kMaxAbsRatePpm = 100'000;
  static constexpr double kMaxSlewPpm = 100'000;
  // Its offset from the time source: a century either way keeps every reading of the next
  // century inside int64 nanoseconds (a reading saturated at its maximum would stand still).
  static constexpr std::int64_t kMaxAbsOffsetNs = 100LL * 365 * 86'400 * 1'000'000'000;

  VirtualClock(const VirtualClockParams& params, TimeSource& source);

  std::string_view backend() const override { return "virtual"; }
  LocalTime now() override;
  void step(Duration delta) override;
  void slew(Duration delta) override;
  void set_rate_correction_ppm(double ppm) override;
  Duration monotonic_span(Duration local_span) override;
  Duration offset_from_system() override;
  Duration pending_slew() override;
  double rate_correction_ppm() const override { return linear_.correction_ppm(); }

 private:
  TimeSource& source_;
  LinearClock linear_;  // reference axis: the source's monotonic ns
};

}  // namespace clocksim::node
