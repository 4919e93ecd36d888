// A number per node that is usually the same for every node (a scenario's slew rate, a sine
// amplitude): kept as one value then, so that reading it for the node an event concerns costs no
// cache miss, where a vector of 10^5 doubles (800 KB) would miss on most reads.
#pragma once

#include <cstddef>
#include <cstring>
#include <type_traits>
#include <utility>
#include <vector>

namespace clocksim::sim {

template <class T>
class PerNodeValues {
  static_assert(std::is_trivially_copyable_v<T>);

 public:
  PerNodeValues() = default;
  explicit PerNodeValues(std::vector<T> values) : size_(values.size()) {
    // Equal bit for bit, so that the value read back is exactly the one given (-0.0 stays -0.0).
    bool same = true;
    for (const T& v : values) same = same && std::memcmp(&v, values.data(), sizeof(T)) == 0;
    if (same && !values.empty()) {
      uniform_ = values.front();
    } else {
      values_ = std::move(values);
    }
  }

  T operator[](std::size_t i) const { return values_.empty() ? uniform_ : values_[i]; }
  std::size_t size() const { return size_; }
  // Whether every node has the same value (one is stored).
  bool uniform() const { return values_.empty(); }

 private:
  std::vector<T> values_;  // empty when every node has uniform_
  T uniform_{};
  std::size_t size_ = 0;
};

}  // namespace clocksim::sim
