// The `nodes:` section: a count, {count, overrides}, or a list of named nodes.
#pragma once

#include <string>
#include <vector>

#include "sim/scenario/spec.hpp"
#include "sim/scenario/yaml_tree.hpp"

namespace clocksim::scenario {

// The loader keeps a NodeSpec (56 bytes, with overrides out of line) per node.
inline constexpr std::int64_t kMaxNodes = 4'000'000;

std::vector<NodeSpec> parse_nodes(const yaml::Node& node, const std::string& path);

}  // namespace clocksim::scenario
