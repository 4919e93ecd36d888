#include "sim/network/topology.hpp"

#include <algorithm>
#include <string>

#include "algorithms/core/rng.hpp"

namespace clocksim::sim {

Topology Topology::full_mesh(NodeId node_count) {
  Topology t;
  t.node_count_ = node_count;
  t.full_mesh_ = true;
  t.component_count_ = node_count > 0 ? 1 : 0;
  return t;
}

Topology Topology::from_edges(NodeId node_count, std::vector<std::pair<NodeId, NodeId>> edges) {
  // Both directions of each link, sorted by (source, target), so that the CSR rows list
  // neighbours in increasing id order (routing's tie-break relies on it).
  std::vector<std::pair<NodeId, NodeId>> directed;
  directed.reserve(edges.size() * 2);
  for (auto [a, b] : edges) {
    if (a >= node_count || b >= node_count)
      throw TopologyError("edge (" + std::to_string(a) + ", " + std::to_string(b) +
                          ") names a node outside 0.." + std::to_string(node_count) + "-1");
    if (a == b) continue;
    directed.emplace_back(a, b);
    directed.emplace_back(b, a);
  }
  edges.clear();
  edges.shrink_to_fit();
  std::sort(directed.begin(), directed.end());
  directed.erase(std::unique(directed.begin(), directed.end()), directed.end());

  Topology t;
  t.node_count_ = node_count;
  t.graph_ = Graph(boost::edges_are_sorted, directed.begin(), directed.end(), node_count);
  t.compute_components();
  return t;
}

std::uint64_t Topology::edge_count() const {
  if (full_mesh_) return std::uint64_t{node_count_} * (node_count_ > 0 ? node_count_ - 1 : 0) / 2;
  return boost::num_edges(graph_) / 2;
}

std::uint64_t Topology::directed_link_count() const {
  if (full_mesh_) return std::uint64_t{node_count_} * (node_count_ > 0 ? node_count_ - 1 : 0);
  return boost::num_edges(graph_);
}

std::uint64_t Topology::degree(NodeId v) const {
  if (full_mesh_) return node_count_ - 1;
  return boost::out_degree(v, graph_);
}

std::uint64_t Topology::directed_link_index(NodeId from, NodeId to) const {
  if (from >= node_count_ || to >= node_count_ || from == to) return kNoLink;
  if (full_mesh_) return std::uint64_t{from} * (node_count_ - 1) + (to - (to > from ? 1 : 0));
  auto [first, last] = boost::out_edges(from, graph_);
  if (first == last) return kNoLink;
  // Out-edges are sorted by target, unique, never `from` itself, and the CSR edge iterator is
  // random access. When they fill the range between the first and last target (but for `from`),
  // as a star's hub, a ring's or a line's node and any dense row do, the position is arithmetic.
  const NodeId lo = boost::target(*first, graph_), hi = boost::target(*(last - 1), graph_);
  if (to < lo || to > hi) return kNoLink;
  const bool skips_self = lo < from && from < hi;
  const auto degree = static_cast<std::uint64_t>(last - first);
  if (degree == std::uint64_t{hi} - lo + (skips_self ? 0 : 1)) {
    const std::uint64_t position = std::uint64_t{to} - lo - (skips_self && to > from ? 1 : 0);
    return boost::get(boost::edge_index, graph_, *(first + static_cast<std::ptrdiff_t>(position)));
  }
  auto it = std::lower_bound(first, last, to, [this](const auto& e, NodeId target) {
    return boost::target(e, graph_) < target;
  });
  if (it == last || boost::target(*it, graph_) != to) return kNoLink;
  return boost::get(boost::edge_index, graph_, *it);
}

bool Topology::adjacent(NodeId a, NodeId b) const { return directed_link_index(a, b) != kNoLink; }

void Topology::compute_components() {
  // Iterative BFS labelling, in node id order, so component ids are deterministic.
  constexpr std::uint32_t kUnset = ~std::uint32_t{0};
  component_.assign(node_count_, kUnset);
  component_count_ = 0;
  std::vector<NodeId> frontier;
  for (NodeId root = 0; root < node_count_; ++root) {
    if (component_[root] != kUnset) continue;
    const std::uint32_t id = component_count_++;
    component_[root] = id;
    frontier.assign(1, root);
    while (!frontier.empty()) {
      const NodeId u = frontier.back();
      frontier.pop_back();
      for_each_neighbor(u, [&](NodeId w) {
        if (component_[w] == kUnset) {
          component_[w] = id;
          frontier.push_back(w);
        }
      });
    }
  }
}

namespace {

std::string kind_name(scenario::TopologySpec::Kind kind) {
  using Kind = scenario::TopologySpec::Kind;
  switch (kind) {
    case Kind::kFullMesh: return "full_mesh";
    case Kind::kStar: return "star";
    case Kind::kRing: return "ring";
    case Kind::kLine: return "line";
    case Kind::kGrid: return "grid";
    case Kind::kErdosRenyi: return "erdos_renyi";
    case Kind::kBarabasiAlbert: return "barabasi_albert";
    case Kind::kFile: return "file";
  }
  return "?";
}

}  // namespace

Topology build_topology(const scenario::TopologySpec& spec, NodeId node_count,
                        std::uint64_t root_seed, std::span<const std::string> node_names) {
  using Kind = scenario::TopologySpec::Kind;
  const std::uint64_t seed = derive_seed(root_seed, "topology");
  Topology t;
  switch (spec.kind) {
    case Kind::kFullMesh: return Topology::full_mesh(node_count);
    case Kind::kStar:
      if (spec.hub >= node_count)
        throw TopologyError("topology.hub: node " + std::to_string(spec.hub) +
                            " does not exist (expected 0.." + std::to_string(node_count) + "-1)");
      t = Topology::from_edges(node_count, star_edges(node_count, spec.hub));
      break;
    case Kind::kRing: t = Topology::from_edges(node_count, ring_edges(node_count)); break;
    case Kind::kLine: t = Topology::from_edges(node_count, line_edges(node_count)); break;
    case Kind::kGrid:
      if (spec.rows <= 0 || spec.cols <= 0 ||
          std::uint64_t(spec.rows) * std::uint64_t(spec.cols) != node_count)
        throw TopologyError("topology.grid: rows * cols must equal the node count " +
                            std::to_string(node_count) + " (got " + std::to_string(spec.rows) +
                            " * " + std::to_string(spec.cols) + ")");
      t = Topology::from_edges(node_count, grid_edges(spec.rows, spec.cols));
      break;
    case Kind::kErdosRenyi:
      if (!(spec.p >= 0 && spec.p <= 1))
        throw TopologyError("topology.erdos_renyi.p: expected a probability in [0, 1], got " +
                            std::to_string(spec.p));
      t = Topology::from_edges(node_count, erdos_renyi_edges(node_count, spec.p, seed));
      break;
    case Kind::kBarabasiAlbert:
      if (spec.m < 1)
        throw TopologyError("topology.barabasi_albert.m: expected an integer >= 1, got " +
                            std::to_string(spec.m));
      t = Topology::from_edges(node_count, barabasi_albert_edges(node_count, spec.m, seed));
      break;
    case Kind::kFile: t = read_topology_file(spec.file, node_count, node_names); break;
  }
  if (!t.connected())
    t.warnings.push_back("topology " + kind_name(spec.kind) + " is disconnected (" +
                         std::to_string(t.component_count()) +
                         " components): messages between components are dropped (no route)");
  return t;
}

}  // namespace clocksim::sim
