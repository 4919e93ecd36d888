// The clock a node loop reads and adjusts: the system clock (daemon/clock), a virtual clock over a
// time source (node/clock/virtual_clock.hpp), or a simulated node's clock model. apply_effects
// (algorithms/core/effects_apply.hpp) decides which adjustment is made when.
//
// Timers are armed against CLOCK_MONOTONIC for the span the local clock is expected to need, so
// a later adjustment does not move an armed timer (as in the simulator's node host).
#pragma once

#include <cstdint>
#include <string_view>

#include "algorithms/core/effects.hpp"
#include "algorithms/core/time.hpp"
#include "node/clock/host_time.hpp"

namespace clocksim::node {

// Where a clock and a node loop get host time from: the host (daemon/clock/host_time_source.hpp),
// the simulator's true time, or a scripted source in tests.
class TimeSource {
 public:
  virtual ~TimeSource() = default;
  virtual MonoTime monotonic_now() = 0;  // CLOCK_MONOTONIC
  virtual WallTime wall_now() = 0;       // CLOCK_REALTIME (the system clock)
};

class Clock {
 public:
  virtual ~Clock() = default;
  virtual std::string_view backend() const = 0;

  virtual LocalTime now() = 0;
  // settimeofday-like: the reading jumps by delta now.
  virtual void step(Duration delta) = 0;
  // adjtime-like: spread delta at the bounded slew rate; replaces an unfinished slew.
  virtual void slew(Duration delta) = 0;
  // Frequency correction in ppm that replaces the previous one.
  virtual void set_rate_correction_ppm(double ppm) = 0;

  // CLOCK_MONOTONIC span that `local_span` of this clock takes from now at its current rate.
  virtual Duration monotonic_span(Duration local_span) = 0;
  // This clock's reading minus the system clock's (0 for the system backend).
  virtual Duration offset_from_system() = 0;
  virtual Duration pending_slew() = 0;
  virtual double rate_correction_ppm() const = 0;
};

}  // namespace clocksim::node
