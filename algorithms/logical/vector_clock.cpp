#include "algorithms/logical/vector_clock.hpp"

#include <algorithm>

namespace clocksim::logical {

void VectorClock::receive(const std::vector<std::uint64_t>& stamp) {
  const std::size_t k = std::min(stamp.size(), v_.size());
  for (std::size_t i = 0; i < k; ++i) v_[i] = std::min(std::max(v_[i], stamp[i]), kMaxLogicalTime);
  tick();
}

Causality compare(const std::vector<std::uint64_t>& a, const std::vector<std::uint64_t>& b) {
  bool less = false, greater = false;
  const std::size_t k = std::min(a.size(), b.size());
  for (std::size_t i = 0; i < k; ++i) {
    less = less || a[i] < b[i];
    greater = greater || a[i] > b[i];
  }
  if (less && greater) return Causality::kConcurrent;
  if (less) return Causality::kBefore;
  if (greater) return Causality::kAfter;
  return Causality::kEqual;
}

}  // namespace clocksim::logical
