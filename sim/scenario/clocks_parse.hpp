// The `clocks:` section (cluster-wide clock model) and per-node clock overrides.
#pragma once

#include <string>
#include <vector>

#include "sim/scenario/spec.hpp"
#include "sim/scenario/yaml_tree.hpp"

namespace clocksim::scenario {

// `node` may be null (section absent: defaults).
ClockSpec parse_clocks(const yaml::Node* node, const std::string& path);

// Keys a node entry may override (a subset of the clocks keys).
const std::vector<std::string>& clock_override_keys();
// Reads whichever of clock_override_keys() are present in `map`.
void parse_clock_override(const yaml::Node& map, const std::string& path, ClockOverride& out);

}  // namespace clocksim::scenario
