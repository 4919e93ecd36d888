// Whether two nodes share a link in a built-in deterministic topology, so that per-link
// overrides and link faults naming a non-link are caught at load time. Mirrors the edge
// generators in sim/network/topology_builders.cpp (ring n0-n1-...-n(N-1)-n0, row-major grid
// with 4 neighbours, star around the hub).
#pragma once

#include <cstddef>
#include <optional>

#include "sim/scenario/spec.hpp"

namespace clocksim::scenario {

// nullopt for random and file topologies (not known before the engine builds them).
std::optional<bool> linked(const TopologySpec& topology, std::size_t node_count, NodeId a, NodeId b);

}  // namespace clocksim::scenario
