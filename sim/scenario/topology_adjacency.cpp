#include "sim/scenario/topology_adjacency.hpp"

#include <algorithm>
#include <string>
#include <vector>

#include "sim/network/topology.hpp"
#include "sim/network/topology_cache.hpp"
#include "sim/scenario/error.hpp"

namespace clocksim::scenario {

std::optional<bool> linked(const TopologySpec& t, std::size_t n, NodeId a, NodeId b) {
  using Kind = TopologySpec::Kind;
  if (a == b) return false;
  const NodeId lo = std::min(a, b), hi = std::max(a, b);
  switch (t.kind) {
    case Kind::kFullMesh: return true;
    case Kind::kStar: return a == t.hub || b == t.hub;
    case Kind::kLine: return hi - lo == 1;
    case Kind::kRing: return hi - lo == 1 || (n >= 3 && lo == 0 && hi == n - 1);
    case Kind::kGrid: {
      const auto cols = static_cast<NodeId>(t.cols);
      const bool same_row = lo / cols == hi / cols;
      return (same_row && hi - lo == 1) || hi - lo == cols;
    }
    case Kind::kErdosRenyi:
    case Kind::kBarabasiAlbert:
    case Kind::kFile: return std::nullopt;
  }
  return std::nullopt;
}

TopologyAdjacency::TopologyAdjacency(const TopologySpec& topology, const NodeNames& names, std::uint64_t seed,
                                     const std::string& source_file, sim::TopologyCache* topologies)
    : topology_(topology), names_(names), seed_(seed), source_file_(source_file), topologies_(topologies) {}

TopologyAdjacency::~TopologyAdjacency() = default;

bool TopologyAdjacency::linked(NodeId a, NodeId b) const {
  if (const std::optional<bool> known = scenario::linked(topology_, names_.size(), a, b)) return *known;
  return a != b && built().adjacent(a, b);
}

void TopologyAdjacency::check_file() const {
  if (topology_.kind == TopologySpec::Kind::kFile) built();
}

const sim::Topology& TopologyAdjacency::built() const {
  if (built_) return *built_;
  const auto n = static_cast<NodeId>(names_.size());
  std::vector<std::string> names;
  if (topology_.kind == TopologySpec::Kind::kFile) {
    names.reserve(n);
    for (NodeId i = 0; i < n; ++i) names.push_back(names_.name(i));
  }
  try {
    built_ = topologies_ ? topologies_->get(topology_, n, seed_, names)
                         : std::make_shared<const sim::Topology>(sim::build_topology(topology_, n, seed_, names));
  } catch (const sim::TopologyError& e) {
    const SourceLocation& at = topology_.where;
    const bool file = topology_.kind == TopologySpec::Kind::kFile;
    throw ScenarioError(at.file.empty() ? source_file_ : at.file, at.line, at.column, file ? "topology.file" : "topology",
                        e.what());
  }
  return *built_;
}

}  // namespace clocksim::scenario
