// The `links:` section: the default link model and per-link overrides.
#pragma once

#include <string>

#include "sim/scenario/node_names.hpp"
#include "sim/scenario/spec.hpp"
#include "sim/scenario/topology_adjacency.hpp"
#include "sim/scenario/yaml_tree.hpp"

namespace clocksim::scenario {

// `topology` lets overrides naming two nodes without a link between them be refused.
LinksSpec parse_links(const yaml::Node* node, const std::string& path, const NodeNames& names,
                      const TopologyAdjacency& topology);

// Fails at `at` when a and b do not share a link in `topology`.
void require_link(const yaml::Node& at, const std::string& path, const NodeNames& names, const TopologyAdjacency& topology,
                  NodeId a, NodeId b);

}  // namespace clocksim::scenario
