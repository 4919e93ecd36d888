// Lamport clocks (Lamport, "Time, clocks, and the ordering of events in a distributed system",
// CACM 21(7), 1978) and vector clocks (Fidge 1988; Mattern 1989): the rules, nothing else.
#pragma once

#include <cstdint>
#include <limits>
#include <vector>

#include "algorithms/core/ids.hpp"

namespace clocksim::logical {

// The largest time a clock reaches: stamps travel as int64 (stamp_codec.hpp) and the daemon's
// state file keeps them in that range, so a clock that went past it could neither be sent (its
// peers would drop every stamp as malformed) nor kept (the node would not start again). A stamp
// at the end of the range is well formed, so a member that sends one could otherwise do both to
// the receiver; a clock there stays there instead: later events share the time, which orders
// them less strictly, and the node goes on.
inline constexpr std::uint64_t kMaxLogicalTime = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());

// IR1/IR2 of Lamport 1978: tick before every event; a receive first jumps past the timestamp.
class LamportClock {
 public:
  LamportClock() = default;
  explicit LamportClock(std::uint64_t start) : time_(start) {}
  std::uint64_t tick() { return time_ = next(time_); }
  std::uint64_t receive(std::uint64_t stamp) {
    if (stamp > time_) time_ = stamp;
    return time_ = next(time_);
  }
  // One past `t`, never beyond kMaxLogicalTime.
  static std::uint64_t next(std::uint64_t t) { return t >= kMaxLogicalTime ? kMaxLogicalTime : t + 1; }
  std::uint64_t now() const { return time_; }

 private:
  std::uint64_t time_ = 0;
};

enum class Causality : std::uint8_t { kEqual, kBefore, kAfter, kConcurrent };

class VectorClock {
 public:
  VectorClock() = default;
  VectorClock(std::size_t n, NodeId self) : v_(n, 0), self_(self) {}
  // Resumed from `start` (its size n; anything else starts from zero).
  VectorClock(std::size_t n, NodeId self, const std::vector<std::uint64_t>& start)
      : v_(start.size() == n ? start : std::vector<std::uint64_t>(n, 0)), self_(self) {}
  const std::vector<std::uint64_t>& entries() const { return v_; }
  void tick() { v_[self_] = LamportClock::next(v_[self_]); }
  // Entry-wise maximum with a received timestamp, then tick (the receive is an event).
  void receive(const std::vector<std::uint64_t>& stamp);

 private:
  std::vector<std::uint64_t> v_;
  NodeId self_ = 0;
};

// a < b (every entry <=, one <), a > b, equal, or concurrent. Sizes must match.
Causality compare(const std::vector<std::uint64_t>& a, const std::vector<std::uint64_t>& b);

}  // namespace clocksim::logical
