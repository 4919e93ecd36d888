// A scripted host clock for daemon tests: monotonic and realtime advance only when told.
#pragma once

#include <cstdint>

#include "node/clock/clock.hpp"

namespace clocksim::node::testing {

class FakeTimeSource final : public TimeSource {
 public:
  MonoTime monotonic_now() override { return MonoTime::from_ns(mono_ns); }
  WallTime wall_now() override { return WallTime::from_ns(real_ns); }
  void advance_ns(std::int64_t ns) {
    mono_ns += ns;
    real_ns += ns;
  }
  std::int64_t mono_ns = 5'000'000'000;
  std::int64_t real_ns = 1'700'000'000'000'000'000;
};

}  // namespace clocksim::node::testing
