// The host's clocks, read with clock_gettime(2).
#pragma once

#include "node/clock/clock.hpp"

namespace clocksim::daemon {

class HostTimeSource final : public node::TimeSource {
 public:
  std::int64_t monotonic_ns() override;
  std::int64_t realtime_ns() override;
};

}  // namespace clocksim::daemon
