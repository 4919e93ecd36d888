// The `algorithm:` section, validated against the algorithm catalogue (algorithms/registry):
//   algorithm:
//     sync: {kind: berkeley, period: 10s}     # or just `sync: berkeley`
//     election: {kind: tsp, timeout: uniform(6s, 15s)}
// Every declared parameter ends up in LayerChoice::params, defaults included.
#pragma once

#include <string>
#include <vector>

#include "algorithms/registry.hpp"
#include "sim/scenario/spec.hpp"
#include "sim/scenario/yaml_tree.hpp"

namespace clocksim::scenario {

AlgorithmSpec parse_algorithm(const yaml::Node* node, const std::string& path,
                              const std::vector<algorithms::AlgorithmInfo>& catalogue);

// One layer (`sync:` or `election:`); exposed for tests with a made-up catalogue.
algorithms::LayerChoice parse_layer(const yaml::Node& node, const std::string& path, algorithms::Layer layer,
                                    const std::vector<algorithms::AlgorithmInfo>& catalogue);

// Every parameter that names nodes (a kNodeList, or a node id: ParamSpec::names_node) names nodes
// of the scenario: an id past the last node is an error at the parameter, or at the layer when it
// is a default (standby's secondary 1 in a one-node scenario).
void check_node_params(const yaml::Node* algorithm_node, const std::string& path, const AlgorithmSpec& spec,
                       std::size_t node_count, const std::vector<algorithms::AlgorithmInfo>& catalogue);

// One parameter value of the declared type.
ParamValue parse_param(const yaml::Node& node, const std::string& path, const ParamSpec& spec);

}  // namespace clocksim::scenario
