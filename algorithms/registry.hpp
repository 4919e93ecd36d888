// The catalogue of algorithms a scenario or the daemon can name, with their parameters: every
// algorithm's own registration (algorithms/registration.hpp), checked once and sorted.
//
// A node runs one *stack*: an optional election layer and a sync layer. `make_stack` builds the
// composition (see algorithms/stack) or a single algorithm when only one layer is named.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "algorithms/registration.hpp"

namespace clocksim::algorithms {

// Every registration, sync layer first, each layer by kind (docs and schema are generated in this
// order). Throws std::logic_error when two registrations claim the same kind and layer, or one
// lacks the factory its layer needs.
const std::vector<AlgorithmRegistration>& registrations();
// What registrations() does to the generated list (exposed for tests).
std::vector<AlgorithmRegistration> sorted_and_checked(std::vector<AlgorithmRegistration> list);
const AlgorithmRegistration* find_registration(const std::string& kind, Layer layer);

// The registrations' infos, in the same order.
const std::vector<AlgorithmInfo>& catalogue();
const AlgorithmInfo* find_algorithm(const std::string& kind, Layer layer);

// Builds the algorithm object(s) a node runs. Throws std::invalid_argument for an unknown kind
// (the scenario loader has already rejected those with a located error).
std::unique_ptr<Algorithm> make_stack(const StackSetup& setup);

}  // namespace clocksim::algorithms
