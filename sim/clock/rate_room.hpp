// How fast a simulated clock may be wrong and still run forward: one rule for the loader, which
// checks the scenario's bounded rates, and the clock model, which holds the unbounded ones (the
// wander's random walk, an algorithm's frequency correction) inside it.
//
// At −1e6 ppm a clock stands still, below that it runs backwards, and a timer armed on it would
// never come due. A clock's rate is drift + wander + correction + its sine term + a slew in
// progress; the sine term and the slew are bounded by their parameters, so the rest must stay
// within the room they leave, with a margin.
#pragma once

#include <algorithm>
#include <cmath>

namespace clocksim::sim {

inline constexpr double kStandstillPpm = 1e6;
inline constexpr double kRunningMarginPpm = 1;

// The largest |drift + wander + correction| that keeps the clock running while the sine term and a
// slew take it as far as they can: negative when those two alone could stop it.
inline double rate_room_ppm(double sine_amplitude_ppm, double max_slew_ppm) {
  return kStandstillPpm - kRunningMarginPpm - std::fabs(sine_amplitude_ppm) - std::max(0.0, max_slew_ppm);
}

}  // namespace clocksim::sim
