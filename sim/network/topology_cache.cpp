#include "sim/network/topology_cache.hpp"

namespace clocksim::sim {

namespace {

// Everything read_topology_file reads: the file, the node count, and the node names where the
// scenario gives its own (the default n0, n1, ... follow from the count).
std::string key_of(const scenario::TopologySpec& spec, NodeId node_count, std::span<const std::string> names) {
  std::string key = spec.file + "|" + std::to_string(node_count);
  for (NodeId i = 0; i < names.size(); ++i) {
    if (names[i] != "n" + std::to_string(i)) key += "|" + std::to_string(i) + "=" + names[i];
  }
  return key;
}

}  // namespace

std::shared_ptr<const Topology> TopologyCache::get(const scenario::TopologySpec& spec, NodeId node_count,
                                                   std::uint64_t seed, std::span<const std::string> names) {
  if (spec.kind != scenario::TopologySpec::Kind::kFile) {
    return std::make_shared<const Topology>(build_topology(spec, node_count, seed, names));
  }
  const std::string key = key_of(spec, node_count, names);
  // One lock over the read too: two threads asking for one file read it once.
  const std::lock_guard<std::mutex> lock(mutex_);
  if (auto it = built_.find(key); it != built_.end()) return it->second;
  auto topology = std::make_shared<const Topology>(build_topology(spec, node_count, seed, names));
  built_.emplace(key, topology);
  return topology;
}

}  // namespace clocksim::sim
