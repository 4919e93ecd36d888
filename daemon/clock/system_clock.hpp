// The host's real clock (CLOCK_REALTIME): slews with adjtime(3), steps with clock_settime(2),
// sets the frequency with adjtimex(2) ADJ_FREQUENCY. It moves the time of every program on the
// machine, so it refuses to start without CAP_SYS_TIME *and* an explicit --allow-system-clock.
// Never used by the test suite.
#pragma once

#include <memory>
#include <string>
#include <variant>

#include "node/clock/clock.hpp"

namespace clocksim::daemon {

class SystemClock final : public node::Clock {
 public:
  // Reads the frequency correction the kernel runs with now: it outlives the process that set it,
  // and the node loop's clock guard counts it from start (clock_guard.hpp).
  SystemClock();
  std::string_view backend() const override { return "system"; }
  LocalTime now() override;
  void step(Duration delta) override;
  void slew(Duration delta) override;
  void set_rate_correction_ppm(double ppm) override;
  Duration monotonic_span(Duration local_span) override { return local_span; }
  Duration offset_from_system() override { return Duration::zero(); }
  Duration pending_slew() override;
  double rate_correction_ppm() const override { return correction_ppm_; }

 private:
  double correction_ppm_ = 0;
};

bool has_cap_sys_time();

// The clock, or why it may not be used.
std::variant<std::unique_ptr<SystemClock>, std::string> open_system_clock(bool allowed_by_flag);

}  // namespace clocksim::daemon
