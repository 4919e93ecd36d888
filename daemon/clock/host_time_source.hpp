// The host's clocks, read with clock_gettime(2).
#pragma once

#include "node/clock/clock.hpp"

namespace clocksim::daemon {

class HostTimeSource final : public node::TimeSource {
 public:
  node::MonoTime monotonic_now() override;
  node::WallTime wall_now() override;
};

}  // namespace clocksim::daemon
