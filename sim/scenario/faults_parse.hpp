// The `faults:` list: scheduled crashes, restarts, link and partition changes, clock steps.
//   - {at: 60s, crash: master}              # whoever is master then; `until:` restarts it
//   - {at: 180s, restart: n0}
//   - {at: 90s, link_down: [n0, n1], until: 120s}
//   - {at: 200s, partition: [[n0, n1], rest], until: 240s}
//   - {at: 250s, heal: all}
//   - {at: 30s, clock_step: {node: n2, by: -50ms}}
#pragma once

#include <string>
#include <vector>

#include "sim/scenario/node_names.hpp"
#include "sim/scenario/spec.hpp"
#include "sim/scenario/topology_adjacency.hpp"
#include "sim/scenario/yaml_tree.hpp"

namespace clocksim::scenario {

std::vector<FaultSpec> parse_faults(const yaml::Node* node, const std::string& path, const NodeNames& names,
                                    const TopologyAdjacency& topology, Duration duration);

}  // namespace clocksim::scenario
