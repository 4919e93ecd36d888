// Which links are usable (up, and not cut by a partition) and the route a message takes.
//
// Route rule, a pure function of (topology, down links, partition, from, to): a shortest path
// by hop count; at each node the next hop is the lowest-id usable neighbour that still lies on a
// shortest path to the destination. Because it is a pure function, the route never depends on
// which messages were sent before or on what the cache holds.
//
// Cost: one BFS (8 bytes per node) gives the route between its root and any node, in either
// direction. A BFS rooted at the destination records, per node, the lowest-id neighbour one hop
// closer: the route is read off in O(hops). From a BFS rooted at the source, the router walks
// back from the destination over BFS predecessors (the nodes on some shortest path), noting for
// each the lowest-id successor on such a path, then follows those: O(size of the shortest-path
// DAG). So a master talking to 10^6 slaves needs one BFS, not 10^6. BFS results are cached per
// root (bounded memory, dropped oldest first) and all dropped when a link or the partition
// changes.
#pragma once

#include <cstdint>
#include <deque>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "sim/network/topology.hpp"

namespace clocksim::sim {

class Router {
 public:
  explicit Router(const Topology& topology, std::size_t cache_bytes = std::size_t{64} << 20);

  // Throws std::invalid_argument if a and b are not adjacent in the topology.
  void set_link_up(NodeId a, NodeId b, bool up);
  bool link_up(NodeId a, NodeId b) const { return down_.empty() || !down_.contains(pair_key(a, b)); }
  bool any_link_down() const { return !down_.empty(); }

  // Every node in at most one group; nodes in no group together form one more group.
  void set_partition(const std::vector<std::vector<NodeId>>& groups);
  void heal();
  bool partitioned() const { return !group_.empty(); }
  bool same_group(NodeId a, NodeId b) const { return group_.empty() || group_[a] == group_[b]; }

  // A link can carry messages now.
  bool usable(NodeId a, NodeId b) const { return same_group(a, b) && link_up(a, b); }

  // Fills `path` with from, ..., to and returns true, or returns false if `to` is unreachable
  // over usable links. from != to.
  bool route(NodeId from, NodeId to, std::vector<NodeId>& path);

  std::size_t bfs_computed() const { return bfs_computed_; }  // for tests and benchmarks

 private:
  struct Tree {
    std::vector<std::uint32_t> dist;   // hops from the root over usable links
    std::vector<NodeId> toward_root;  // lowest-id usable neighbour one hop closer to the root
  };
  static constexpr std::uint32_t kUnreached = ~std::uint32_t{0};
  static std::uint64_t pair_key(NodeId a, NodeId b) {
    return a < b ? (std::uint64_t{a} << 32) | b : (std::uint64_t{b} << 32) | a;
  }

  const Tree* cached(NodeId root) const;
  const Tree& bfs(NodeId root);
  void invalidate();
  bool descend_towards_root(const Tree& to_root, NodeId from, std::vector<NodeId>& path) const;
  bool descend_from_root(const Tree& from_root, NodeId from, NodeId to, std::vector<NodeId>& path);

  const Topology& topology_;
  std::unordered_set<std::uint64_t> down_;  // undirected pairs; looked up, never iterated
  std::vector<std::uint32_t> group_;        // empty: no partition
  std::unordered_map<NodeId, Tree> cache_;  // looked up, never iterated
  std::deque<NodeId> cache_order_;          // oldest first
  std::size_t cache_capacity_;
  std::vector<std::uint32_t> uses_;         // how often a node was a routed endpoint
  std::vector<std::uint32_t> mark_;         // scratch, epoch-stamped: on a shortest path
  std::vector<NodeId> next_;                // scratch: lowest-id successor on such a path
  std::uint32_t epoch_ = 0;
  std::size_t bfs_computed_ = 0;
};

}  // namespace clocksim::sim
