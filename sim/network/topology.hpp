// The graph a scenario's nodes are wired by (which pairs share a direct link).
//
// Sparse topologies are a Boost.Graph compressed_sparse_row_graph holding both directions of
// every undirected link, neighbours sorted by id: 4 bytes per directed link plus 4 per node, so
// 10^6 nodes cost a few MB, and a directed link has a dense index (its CSR position) that the
// network uses for per-link state. A full mesh is implicit: n^2 links are never materialised.
//
// Connectivity: a disconnected graph is not an error. It is reported in `warnings` (the engine
// logs them) and messages between components are dropped as "no route": a study of, say, a sparse
// Erdos-Renyi graph must not fail for the seeds whose graph happens to fall apart, and
// Berkeley/election algorithms already treat an unreachable peer like a lost one.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <boost/graph/compressed_sparse_row_graph.hpp>

#include "algorithms/core/ids.hpp"
#include "sim/scenario/spec.hpp"

namespace clocksim::sim {

// Bad topology input (unreadable or malformed file, node count mismatch, bad parameters). The
// message names the file or the topology key and what was expected.
class TopologyError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Per-link attributes read from a GraphML/DOT file ("latency" as in a scenario: "2ms",
// "uniform(1ms, 5ms)"; "loss" as a probability); absent ones fall back to the scenario's link
// defaults.
struct FileLinkAttributes {
  NodeId a = 0, b = 0;
  std::optional<scenario::Distribution> latency_ns;
  std::optional<double> loss;
};

class Topology {
 public:
  using Graph = boost::compressed_sparse_row_graph<boost::directedS, boost::no_property,
                                                   boost::no_property, boost::no_property, NodeId,
                                                   std::uint32_t>;
  static constexpr std::uint64_t kNoLink = ~std::uint64_t{0};

  static Topology full_mesh(NodeId node_count);
  // Undirected edges; self-loops and duplicates (in either orientation) are dropped.
  static Topology from_edges(NodeId node_count, std::vector<std::pair<NodeId, NodeId>> edges);

  NodeId node_count() const { return node_count_; }
  bool is_full_mesh() const { return full_mesh_; }
  std::uint64_t edge_count() const;  // undirected links
  std::uint64_t degree(NodeId v) const;
  bool adjacent(NodeId a, NodeId b) const;
  // Dense index of the directed link from -> to in [0, directed_link_count()), kNoLink if the two
  // are not adjacent. Full mesh: from * (n - 1) + (to - (to > from)).
  std::uint64_t directed_link_index(NodeId from, NodeId to) const;
  std::uint64_t directed_link_count() const;
  // A hint for a host that knows which node sends soon: starts loading where node `from`'s links
  // begin in the adjacency, the first thing directed_link_index(from, ·) reads. Changes nothing.
  void prefetch_row(NodeId from) const {
    if (!full_mesh_ && from < node_count_) __builtin_prefetch(&graph_.m_forward.m_rowstart[from]);
  }

  // Calls f(neighbour) in increasing id order.
  template <class F>
  void for_each_neighbor(NodeId v, F&& f) const {
    if (full_mesh_) {
      for (NodeId w = 0; w < node_count_; ++w)
        if (w != v) f(w);
      return;
    }
    auto [it, end] = boost::adjacent_vertices(v, graph_);
    for (; it != end; ++it) f(static_cast<NodeId>(*it));
  }

  std::uint32_t component_count() const { return component_count_; }
  std::uint32_t component_of(NodeId v) const { return full_mesh_ ? 0 : component_[v]; }
  bool connected() const { return component_count_ <= 1; }

  const Graph& graph() const { return graph_; }  // empty for a full mesh

  std::vector<FileLinkAttributes> link_attributes;  // from a file, sorted by (a, b), a < b
  std::vector<std::string> warnings;                // for events.log

 private:
  void compute_components();

  NodeId node_count_ = 0;
  bool full_mesh_ = false;
  Graph graph_;
  std::vector<std::uint32_t> component_;
  std::uint32_t component_count_ = 0;
};

// Builds the scenario's topology. Random builders draw from derive_seed(root_seed, "topology").
// `node_names` (index = NodeId) maps file node ids onto scenario nodes; empty means "n0", "n1", ...
// Throws TopologyError on bad parameters or files.
Topology build_topology(const scenario::TopologySpec& spec, NodeId node_count,
                        std::uint64_t root_seed, std::span<const std::string> node_names = {});

// Generators (topology_builders.cpp), exposed for tests and tools.
std::vector<std::pair<NodeId, NodeId>> star_edges(NodeId n, NodeId hub);
std::vector<std::pair<NodeId, NodeId>> ring_edges(NodeId n);
std::vector<std::pair<NodeId, NodeId>> line_edges(NodeId n);
std::vector<std::pair<NodeId, NodeId>> grid_edges(int rows, int cols);
std::vector<std::pair<NodeId, NodeId>> erdos_renyi_edges(NodeId n, double p, std::uint64_t seed);
std::vector<std::pair<NodeId, NodeId>> barabasi_albert_edges(NodeId n, int m, std::uint64_t seed);

// File readers (topology_files.cpp).
Topology read_topology_file(const std::string& path, NodeId node_count,
                            std::span<const std::string> node_names);

}  // namespace clocksim::sim
