// A token bucket for log lines: `burst` lines at once, then `per_second` on average. What is
// held back is counted and reported with the next line that passes, so a flood of packets or
// a misbehaving algorithm cannot fill the disk yet no event goes unaccounted.
#pragma once

#include <cstdint>

namespace clocksim::node {

class LogRateLimit {
 public:
  LogRateLimit(double per_second, double burst) : per_second_(per_second), burst_(burst), tokens_(burst) {}

  // True if a line may be written at `now_ns` (monotonic).
  bool allow(std::int64_t now_ns) {
    if (started_) {
      const double elapsed_s = static_cast<double>(now_ns - last_ns_) * 1e-9;
      tokens_ = tokens_ + elapsed_s * per_second_;
      if (tokens_ > burst_) tokens_ = burst_;
    }
    started_ = true;
    last_ns_ = now_ns;
    if (tokens_ >= 1) {
      tokens_ -= 1;
      return true;
    }
    ++suppressed_;
    return false;
  }
  // Lines held back since the last call (and resets the count).
  std::uint64_t take_suppressed() {
    const std::uint64_t n = suppressed_;
    suppressed_ = 0;
    return n;
  }

 private:
  double per_second_;
  double burst_;
  double tokens_;
  bool started_ = false;
  std::int64_t last_ns_ = 0;
  std::uint64_t suppressed_ = 0;
};

}  // namespace clocksim::node
