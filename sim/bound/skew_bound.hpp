// The theoretical skew bound of a scenario as a function of true time, computed once in C++ and
// written next to the measured skew (analysis never re-derives it).
//
// Each synchronization kind contributes its own model through its bound hook (bound_hook.hpp,
// docs/bounds.md); the free-running
// model (`none`) is: initial offset spread + drift-rate spread · t + sinusoidal-term spread +
// injected clock steps. Where no deterministic bound exists (random-walk wander, an unbounded
// latency distribution, a kind without a model) make_skew_bound returns nullptr and skew.csv
// leaves bound_ns empty.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "algorithms/bounds/no_bound.hpp"
#include "algorithms/core/time.hpp"
#include "sim/scenario/spec.hpp"
#include "sim/time.hpp"
#include "sim/world/observer.hpp"

namespace clocksim::sim {

class SkewBound {
 public:
  virtual ~SkewBound() = default;
  // Max skew between any two correct, up nodes at true time t (nullopt: no bound at t).
  virtual std::optional<Duration> at(Time t) const = 0;
  // The formula with this scenario's numbers, for summary.json and the docs.
  virtual std::string describe() const = 0;
  // A model that follows the run (crashes, elections: docs/bounds.md §7) observes the world; it
  // must be added before any observer that reads at().
  virtual Observer* observer() { return nullptr; }
  // For an exact check between ticks: at() is linear in t between changes of the model's state
  // (a model that follows the run changes only in its observer calls) and, for a model fixed in
  // advance, between these instants, where it may fall.
  virtual std::vector<Time> drop_instants() const { return {}; }
};

// For a model's drop_instants(): the instants that let the exact checker see the bound change
// around each of `ends_s` (true time in seconds): the nanoseconds on both sides of the end itself
// (where at()'s slope may turn) and, within a few nanoseconds of it, the last of the old value and
// the first of the new wherever at() steps, found as at() rounds (a double end can miss the
// nanosecond either way). Ends that are not finite or not within [0, 9e9 s) are left out. Sorted,
// each once.
std::vector<Time> instants_around(const SkewBound& bound, const std::vector<double>& ends_s);

// The bound, or why a scenario has none (NoBoundWhy::kNone when it has one; no_bound_text.hpp
// words it).
struct BoundAvailability {
  std::unique_ptr<SkewBound> bound;
  bounds::NoBound no_bound;
};

// Through the sync algorithm's bound hook (sim/bound/bound_hook.hpp).
BoundAvailability make_skew_bound(const scenario::ScenarioSpec& spec);
// No synchronization: initial spread + drift spread · t + sine spread + steps (+ a 6σ wander
// envelope when the rates wander).
BoundAvailability make_free_running_bound(const scenario::ScenarioSpec& spec);

// Pieces shared by the per-algorithm models.
struct ClockSpread {
  double offset_spread_ns = 0;  // max upper − min lower of initial offsets
  double drift_spread_ppm = 0;  // max upper − min lower of drift rates
  double max_abs_drift_ppm = 0;
  double sine_spread_ns = 0;    // spread of the integrated sinusoidal terms
  double steps_ns = 0;          // sum of |injected clock steps|
  bool has_wander = false;
  double max_wander_ppm_per_sqrt_s = 0;
};
ClockSpread clock_spread(const scenario::ScenarioSpec& spec);

}  // namespace clocksim::sim
