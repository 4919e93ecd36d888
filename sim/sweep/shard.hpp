// Part `index` of `count` (0 <= index < count) of a sweep: the runs whose matrix index is index
// mod count. Round robin rather than blocks, so that neighbouring (and similarly expensive)
// combinations land on different shards.
#pragma once

#include <cstddef>

namespace clocksim::sweep {

struct Shard {
  std::size_t index = 0;
  std::size_t count = 1;
  bool contains(std::size_t run_index) const { return run_index % count == index; }
  bool whole() const { return count == 1; }
};

}  // namespace clocksim::sweep
