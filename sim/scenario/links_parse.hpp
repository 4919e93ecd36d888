// The `links:` section: the default link model and per-link overrides.
#pragma once

#include <string>

#include "sim/scenario/node_names.hpp"
#include "sim/scenario/spec.hpp"
#include "sim/scenario/yaml_tree.hpp"

namespace clocksim::scenario {

LinksSpec parse_links(const yaml::Node* node, const std::string& path, const NodeNames& names);

}  // namespace clocksim::scenario
