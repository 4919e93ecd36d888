// The algorithm's pending timers, as monotonic deadlines: the daemon's TimerService, polled
// by its socket loop. Re-arming an id replaces it; among timers due together the earlier deadline
// fires first, then the smaller id, so a firing order never depends on container iteration order.
#pragma once

#include <cstdint>
#include <map>
#include <optional>

#include "algorithms/core/ids.hpp"
#include "node/loop/interfaces.hpp"

namespace clocksim::node {

class TimerTable final : public TimerService {
 public:
  void arm(TimerId id, MonoTime deadline) override { deadlines_[id] = deadline; }
  void cancel(TimerId id) override { deadlines_.erase(id); }
  std::size_t size() const { return deadlines_.size(); }
  std::optional<MonoTime> next_deadline() const;
  // Removes and returns the first timer due at `now`, if any.
  std::optional<TimerId> pop_due(MonoTime now);

 private:
  std::map<TimerId, MonoTime> deadlines_;
};

}  // namespace clocksim::node
