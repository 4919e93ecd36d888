// A node's own `limits:` (host: daemon): the clock guard limits of that node's clocksyncd, as a
// cluster whose members were given different configs. The node's keys go on top of the scenario's
// top-level `limits:` (clocksyncd's defaults where that is silent too).
#pragma once

#include <string>

#include "config/file_errors.hpp"
#include "sim/scenario/spec.hpp"
#include "sim/scenario/yaml_tree.hpp"

namespace clocksim::scenario {

// Reads the `limits:` of every node entry (the list form's mappings, or the mapping form's
// overrides) of the `nodes:` section at `path` into spec.node_limits. spec.nodes, spec.host and
// spec.daemon_limits are read already. Each mistake is noted in `errors` on its own.
void read_node_limits(const yaml::Node& nodes, const std::string& path, ScenarioSpec& spec, config::FileErrors& errors);

}  // namespace clocksim::scenario
