// Anti-replay: a sliding window over a sender's sequence numbers, as in IPsec ESP (RFC 4303
// §3.4.3, window bitmap after RFC 2401 Appendix C). A number above the highest seen slides the
// window forward; one inside the window is accepted once; one below the window is rejected.
//
// Only authenticated packets may touch the window (the caller verifies the MAC first), so a
// forger cannot push it forward and lock out the real sender.
#pragma once

#include <cstdint>

namespace clocksim::node::wire {

class ReplayWindow {
 public:
  static constexpr std::uint64_t kWidth = 64;

  // True (and remembered) the first time `seq` is seen within the window; false for a replay, a
  // number too old for the window, or 0 (never sent).
  bool accept(std::uint64_t seq);
  std::uint64_t highest() const { return highest_; }

 private:
  std::uint64_t highest_ = 0;
  std::uint64_t bitmap_ = 0;  // bit i set: highest_ - i was seen
};

}  // namespace clocksim::node::wire
