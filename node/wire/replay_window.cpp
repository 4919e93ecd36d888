#include "node/wire/replay_window.hpp"

namespace clocksim::node::wire {

bool ReplayWindow::accept(std::uint64_t seq) {
  if (seq == 0) return false;
  if (seq > highest_) {
    const std::uint64_t shift = seq - highest_;
    bitmap_ = shift >= kWidth ? 0 : bitmap_ << shift;
    bitmap_ |= 1;
    highest_ = seq;
    return true;
  }
  const std::uint64_t age = highest_ - seq;
  if (age >= kWidth) return false;
  const std::uint64_t bit = std::uint64_t{1} << age;
  if (bitmap_ & bit) return false;
  bitmap_ |= bit;
  return true;
}

}  // namespace clocksim::node::wire
