// The election kinds a scenario can name, and how to build one.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "algorithms/core/layers.hpp"
#include "algorithms/core/params.hpp"
#include "algorithms/election/common/election_setup.hpp"

namespace clocksim::election {

struct ElectionKind {
  std::string kind;
  std::string summary;
  const std::vector<ParamSpec>* params;
};

// In catalogue order (by kind), from the registrations (algorithms/registration.hpp).
const std::vector<ElectionKind>& election_kinds();

// nullptr for an unknown kind.
std::unique_ptr<ElectionLayer> make_election(const std::string& kind, const ElectionSetup& setup);

}  // namespace clocksim::election
