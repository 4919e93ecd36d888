// Whether two nodes share a link, so that per-link overrides and link faults naming a non-link
// are caught at load time. The built-in deterministic topologies answer by formula, mirroring
// the edge generators in sim/network/topology_builders.cpp (ring n0-n1-...-n(N-1)-n0, row-major
// grid with 4 neighbours, star around the hub). A random or file topology is built here as the
// engine will build it (same seed, same file), so that its errors, too, are found on loading
// and located at the scenario's `topology` key, and `clocksim validate` finds them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>

#include "sim/scenario/node_names.hpp"
#include "sim/scenario/spec.hpp"

namespace clocksim::sim {
class Topology;
class TopologyCache;
}

namespace clocksim::scenario {

// nullopt for random and file topologies (not known without building them).
std::optional<bool> linked(const TopologySpec& topology, std::size_t node_count, NodeId a, NodeId b);

class TopologyAdjacency {
 public:
  // `topology`, `names` and `source_file` must outlive this object. A topology it builds goes
  // through `topologies` when given (where the run will find it).
  TopologyAdjacency(const TopologySpec& topology, const NodeNames& names, std::uint64_t seed,
                    const std::string& source_file, sim::TopologyCache* topologies = nullptr);
  ~TopologyAdjacency();
  TopologyAdjacency(const TopologyAdjacency&) = delete;
  TopologyAdjacency& operator=(const TopologyAdjacency&) = delete;

  // Builds a random or file topology at the first question. A topology the engine could not
  // build is a ScenarioError at the `topology` key.
  bool linked(NodeId a, NodeId b) const;
  // Reads a file topology now, whether or not anything asks about its links: a file the engine
  // cannot read fails on loading.
  void check_file() const;

 private:
  const sim::Topology& built() const;

  const TopologySpec& topology_;
  const NodeNames& names_;
  std::uint64_t seed_;
  const std::string& source_file_;
  sim::TopologyCache* topologies_;
  mutable std::shared_ptr<const sim::Topology> built_;
};

}  // namespace clocksim::scenario
