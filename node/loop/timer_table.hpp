// The algorithm's pending timers, as monotonic deadlines (ns): the daemon's TimerService, polled
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
  void arm(TimerId id, std::int64_t deadline_mono_ns) override { deadlines_[id] = deadline_mono_ns; }
  void cancel(TimerId id) override { deadlines_.erase(id); }
  std::size_t size() const { return deadlines_.size(); }
  std::optional<std::int64_t> next_deadline() const;
  // Removes and returns the first timer due at `now_mono_ns`, if any.
  std::optional<TimerId> pop_due(std::int64_t now_mono_ns);

 private:
  std::map<TimerId, std::int64_t> deadlines_;
};

}  // namespace clocksim::node
