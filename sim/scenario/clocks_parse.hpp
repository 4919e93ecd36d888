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
// Every node's overrides, with the cluster's clocks where it has none, must leave its clock
// running (sim/clock/rate_room.hpp) as far as bounded distributions tell; throws ScenarioError at
// the node's first rate key.
void check_override_rate_rooms(const ClockSpec& clocks, const std::vector<NodeSpec>& nodes);
// Reads whichever of clock_override_keys() are present in `map`.
void parse_clock_override(const yaml::Node& map, const std::string& path, ClockOverride& out);

}  // namespace clocksim::scenario
