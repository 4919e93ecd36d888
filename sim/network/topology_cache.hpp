// Topology files read once and shared. The scenario loader checks a topology file by reading it
// (sim/scenario/topology_adjacency.hpp); given the same cache, the world then takes that graph
// instead of reading the file again, and a sweep's runs, which mostly share one file, read it once
// for all of them instead of once per run and again per check. Only files are kept: the other
// kinds are generated faster than they would be looked up, and a sweep over random seeds would
// otherwise keep a graph per seed.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>

#include "sim/network/topology.hpp"

namespace clocksim::sim {

class TopologyCache {
 public:
  // What build_topology(spec, node_count, seed, names) returns: for a file, read at the first
  // request for this file, node count and names; any other kind built afresh. Safe to call from
  // several threads. Throws TopologyError as build_topology does (a failure is not kept).
  std::shared_ptr<const Topology> get(const scenario::TopologySpec& spec, NodeId node_count, std::uint64_t seed,
                                      std::span<const std::string> names);

 private:
  std::mutex mutex_;
  std::map<std::string, std::shared_ptr<const Topology>> built_;
};

}  // namespace clocksim::sim
