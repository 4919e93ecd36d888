// What every election machine is built from: who it is, who else there is, its own random
// stream, whether it may ever lead (timed's -M flag) and its parameters.
#pragma once

#include <cstdint>

#include "algorithms/core/algorithm.hpp"
#include "algorithms/core/params.hpp"

namespace clocksim::election {

struct ElectionSetup {
  Membership membership;
  std::uint64_t seed = 0;
  // timed's -M: a node without it never becomes candidate or master (docs/berkeley-and-tsp.md §3).
  bool can_be_master = true;
  ParamSet params;
  // The highest election number this node started in its earlier incarnations: its numbers
  // continue above it, so an ElectionId names one election only (algorithms/core/election_id.hpp).
  std::uint32_t elections_before = 0;
};

}  // namespace clocksim::election
