// The catalogue of algorithms a scenario or the daemon can name, with their parameters.
//
// A node runs one *stack*: an optional election layer and a sync layer. `make_stack` builds the
// composition (see algorithms/stack) or a single algorithm when only one layer is named.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "algorithms/core/algorithm.hpp"
#include "algorithms/core/params.hpp"

namespace clocksim::algorithms {

enum class Layer : std::uint8_t { kSync, kElection };

struct AlgorithmInfo {
  std::string kind;  // as written in a scenario: "none", "berkeley", "tsp", ...
  Layer layer;
  std::string summary;
  std::vector<ParamSpec> params;
};

// Every algorithm kind, in a fixed order (docs and schema are generated from this).
const std::vector<AlgorithmInfo>& catalogue();
const AlgorithmInfo* find_algorithm(const std::string& kind, Layer layer);

struct LayerChoice {
  std::string kind;  // empty: no such layer
  ParamSet params;   // every declared parameter filled in
};

struct StackSetup {
  Membership membership;
  std::uint64_t seed = 0;  // the algorithm's own random stream
  LayerChoice sync;
  LayerChoice election;
  bool can_be_master = true;  // timed's -M: a node without it never stands for election
  // This node's place in a time hierarchy (NTP): the servers it polls (empty: the algorithm's
  // default) and whether its host gives it a reference clock (Algorithm::on_reference).
  std::vector<NodeId> servers;
  bool reference_clock = false;
};

// Builds the algorithm object(s) a node runs. Throws std::invalid_argument for an unknown kind
// (the scenario loader has already rejected those with a located error).
std::unique_ptr<Algorithm> make_stack(const StackSetup& setup);

}  // namespace clocksim::algorithms
