// The engine half of an algorithm's bound hook. A sync algorithm whose registration declares
// BoundDeclaration::hook() (algorithms/registration.hpp) gets its bound function from a file
// `<kind>_bound_hook.cpp` here, which defines
//
//     BoundHookRegistration clocksim::sim::bound_hooks::<kind>_bound_hook();
//
// The build links every such file (cmake/registration_list.cmake); make_skew_bound finds the hook
// by the scenario's sync kind. A test checks that the two halves agree: every kind declaring a
// hook has one here, and every hook names a kind that declares one.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "sim/bound/skew_bound.hpp"
#include "sim/scenario/spec.hpp"

namespace clocksim::sim {

struct BoundHookRegistration {
  std::string kind;  // the sync algorithm's kind
  // The bound for this scenario, or why there is none (the clock distributions are already known
  // to be bounded when it is called).
  std::function<BoundAvailability(const scenario::ScenarioSpec&)> make;
};

// Every *_bound_hook file's registration, in source path order (generated).
std::vector<BoundHookRegistration> registered_bound_hooks();
const BoundHookRegistration* find_bound_hook(const std::string& kind);

// Why a scenario with Byzantine clocks has no bound under a model that assumes every clock honest
// (kNone without liars).
bounds::NoBound liars_break_the_model(const scenario::ScenarioSpec& spec);

}  // namespace clocksim::sim
