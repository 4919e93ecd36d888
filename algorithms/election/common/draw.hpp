// Random durations for election timers, drawn with Boost.Random so every platform draws the
// same numbers from the same seed.
#pragma once

#include <boost/random/uniform_int_distribution.hpp>

#include "algorithms/core/params.hpp"
#include "algorithms/core/rng.hpp"

namespace clocksim::election {

// Uniform over [range.min, range.max] in whole nanoseconds; a degenerate range is a constant.
inline Duration draw(Rng& rng, const DurationRange& range) {
  if (range.max <= range.min) return range.min;
  boost::random::uniform_int_distribution<std::int64_t> dist(range.min.ns(), range.max.ns());
  return Duration::from_ns(dist(rng));
}

inline std::uint32_t draw_u32(Rng& rng) { return static_cast<std::uint32_t>(rng() >> 32); }

}  // namespace clocksim::election
