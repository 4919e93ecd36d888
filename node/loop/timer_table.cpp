#include "node/loop/timer_table.hpp"

namespace clocksim::node {

std::optional<MonoTime> TimerTable::next_deadline() const {
  std::optional<MonoTime> best;
  for (const auto& [id, deadline] : deadlines_) {
    if (!best || deadline < *best) best = deadline;
  }
  return best;
}

std::optional<TimerId> TimerTable::pop_due(MonoTime now) {
  auto best = deadlines_.end();
  for (auto it = deadlines_.begin(); it != deadlines_.end(); ++it) {
    if (it->second <= now && (best == deadlines_.end() || it->second < best->second)) best = it;
  }
  if (best == deadlines_.end()) return std::nullopt;
  const TimerId id = best->first;
  deadlines_.erase(best);
  return id;
}

}  // namespace clocksim::node
