// Maps a scenario onto the inputs of the Berkeley and Cristian skew bounds
// (algorithms/bounds, derived in docs/bounds.md). The engine's bound hook (sim/bound/skew_bound)
// calls these for `sync: berkeley` and `sync: cristian`.
#pragma once

#include <variant>

#include "algorithms/bounds/skew_bound.hpp"
#include "sim/scenario/spec.hpp"

namespace clocksim::sim {

// Either the inputs, or why this scenario has no worst case.
using BerkeleyInputOrWhy = std::variant<bounds::BerkeleyBoundInput, bounds::NoBound>;
using CristianInputOrWhy = std::variant<bounds::CristianBoundInput, bounds::NoBound>;

BerkeleyInputOrWhy berkeley_bound_input(const scenario::ScenarioSpec& spec);
CristianInputOrWhy cristian_bound_input(const scenario::ScenarioSpec& spec);

// The scenario-wide facts both use: every clock's worst rate error, initial offset spread,
// slowest slew, and the one-way latency range over every link (asymmetry included).
struct SyncBoundEnvironment {
  double rho_ppm = 0;
  double wander_ppm_per_sqrt_s = 0;
  double initial_spread_s = 0;
  double slew_ppm = 0;        // the slowest node's
  bool uniform_slew = true;   // every node slews at the same rate
  bool all_steps = false;     // no node can slew (max_slew_ppm: 0): every correction is a step
  double clock_resolution_s = 0;
  double latency_min_s = 0;
  double latency_max_s = 0;
  bool lossy = false;  // some link loses messages (allowed only with `disruptions`)
};
// False, and the reason in `why`, when there is no worst case.
// With `disruptions`, faults and elections are allowed (the epoch model, docs/bounds.md §7).
bool sync_bound_environment(const scenario::ScenarioSpec& spec, NodeId master, SyncBoundEnvironment& env,
                            bounds::NoBound& why, bool disruptions);
// Faults, an election or message loss: the bound must follow the run (EpochSkewBound).
bool has_disruptions(const scenario::ScenarioSpec& spec);
// The fixed master (Cristian's server): the static election's `leader`, else the lowest id.
NodeId static_master(const scenario::ScenarioSpec& spec);

}  // namespace clocksim::sim
