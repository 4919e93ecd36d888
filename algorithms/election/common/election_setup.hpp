// What every election machine is built from: who it is, who else there is, its own random
// stream, whether it may ever lead (timed's -M flag) and its parameters.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

#include "algorithms/core/algorithm.hpp"
#include "algorithms/core/params.hpp"

namespace clocksim::election {

struct ElectionSetup {
  Membership membership;
  std::uint64_t seed = 0;
  // timed's -M: a node without it never becomes candidate or master (berkeley-and-tsp.md §3).
  bool can_be_master = true;
  ParamSet params;
};

// "n5": node names as the scenario and the narrative write them.
inline std::string node_name(NodeId id) {
  if (id == kNoNode) return "none";
  return "n" + std::to_string(id);
}

// "8.213s": a span for the narrative, rounded to the millisecond.
inline std::string seconds_text(Duration d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3fs", d.seconds());
  return buf;
}

}  // namespace clocksim::election
