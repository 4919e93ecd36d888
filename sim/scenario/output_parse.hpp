// The `output:` section: which files to write and which rows to keep.
#pragma once

#include <optional>
#include <string>

#include "sim/scenario/node_names.hpp"
#include "sim/scenario/spec.hpp"
#include "sim/scenario/yaml_tree.hpp"

namespace clocksim::scenario {

OutputSpec parse_output(const yaml::Node* node, const std::string& path, const NodeNames& names, Duration tick);

// `ordering: {servers: [n1, n2, n3], requests_per_s: 200}` (absent: no ordering probe).
std::optional<OrderingSpec> parse_ordering(const yaml::Node* node, const std::string& path, const NodeNames& names);

}  // namespace clocksim::scenario
