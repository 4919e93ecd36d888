// The `none` algorithm: clocks run free. It answers nothing and adjusts nothing; it exists so that
// the engine can be exercised (and clock models checked) with no synchronization at all.
#pragma once

#include "algorithms/core/algorithm.hpp"

namespace clocksim::algorithms {

class FreeRunning final : public Algorithm {
 public:
  void on_start(LocalTime, Effects&) override {}
  void on_message(LocalTime, NodeId, const Message&, Effects&) override {}
  void on_timer(LocalTime, TimerId, Effects&) override {}
  Role role() const override { return Role::kNone; }
};

}  // namespace clocksim::algorithms
