// A check shared by the bound models' tests: the exact skew checker reads the clocks where a bound
// fixed in advance changes only at the instants the model declares (SkewBound::drop_instants), so
// every step of at() must have both its sides declared, and every turn of its slope a declared
// instant beside it. Found by a millisecond scan of at(): a step by bisection to the nanosecond,
// a turn by a second difference beyond the rounding of at() (a nanosecond a value).
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "sim/bound/skew_bound.hpp"

namespace clocksim::sim::testing {

struct DeclaredInstantsSeen {
  int steps = 0;
  int turns = 0;
};

// `max_slope`: the steepest at() may rise, in ns per ns (4ρ for the Berkeley/Cristian model).
inline DeclaredInstantsSeen expect_changes_declared(const SkewBound& bound, std::int64_t horizon_ns, double max_slope,
                                                    const std::string& what) {
  const std::vector<Time> declared = bound.drop_instants();
  auto at = [&](std::int64_t ns) -> std::int64_t {
    const auto b = bound.at(Time::from_ns(ns));
    return b ? b->ns() : -1;
  };
  auto is_declared = [&](std::int64_t ns) { return std::binary_search(declared.begin(), declared.end(), Time::from_ns(ns)); };
  auto declared_within = [&](std::int64_t from_ns, std::int64_t to_ns) {
    const auto it = std::lower_bound(declared.begin(), declared.end(), Time::from_ns(from_ns));
    return it != declared.end() && it->ns() <= to_ns;
  };
  // More than the steepest rise (and its rounding) over the span: a step lies in it.
  auto stepped = [&](std::int64_t a, std::int64_t b) {
    const double d = static_cast<double>(at(b) - at(a));
    return d < -1 || d > max_slope * static_cast<double>(b - a) + 2;
  };
  EXPECT_TRUE(std::is_sorted(declared.begin(), declared.end())) << what;
  DeclaredInstantsSeen seen;
  constexpr std::int64_t kMs = 1'000'000;
  for (std::int64_t lo0 = 0; lo0 + 2 * kMs <= horizon_ns; lo0 += kMs) {
    if (stepped(lo0, lo0 + kMs)) {
      std::int64_t lo = lo0, hi = lo0 + kMs;
      while (hi - lo > 1) {  // the nanosecond where the step is: stepped(hi - 1, hi)
        const std::int64_t mid = lo + (hi - lo) / 2;
        (stepped(lo, mid) ? hi : lo) = mid;
      }
      ++seen.steps;
      for (const std::int64_t t : {hi - 1, hi}) {
        EXPECT_TRUE(is_declared(t)) << what << ": at() steps from " << at(hi - 1) << " to " << at(hi) << " ns at " << hi
                                    << " ns; " << t << " ns is not declared";
      }
      continue;
    }
    const std::int64_t d1 = at(lo0 + kMs) - at(lo0), d2 = at(lo0 + 2 * kMs) - at(lo0 + kMs);
    if (std::abs(d2 - d1) > 2 && !stepped(lo0 + kMs, lo0 + 2 * kMs)) {
      ++seen.turns;
      EXPECT_TRUE(declared_within(lo0, lo0 + 2 * kMs))
          << what << ": at() turns between " << lo0 << " and " << lo0 + 2 * kMs << " ns (slopes " << d1 << " and " << d2
          << " ns per ms) with no declared instant there";
    }
  }
  return seen;
}

}  // namespace clocksim::sim::testing
