// The `topology:` value: full_mesh | star(hub) | ring | line | grid(rows, cols) |
// erdos_renyi(p) | barabasi_albert(m) | {file: net.graphml}.
#pragma once

#include <filesystem>
#include <string>

#include "sim/scenario/node_names.hpp"
#include "sim/scenario/spec.hpp"
#include "sim/scenario/yaml_tree.hpp"

namespace clocksim::scenario {

// `base_dir` resolves a relative topology file (the scenario file's directory).
TopologySpec parse_topology(const yaml::Node* node, const std::string& path, const NodeNames& names,
                            const std::filesystem::path& base_dir);

}  // namespace clocksim::scenario
