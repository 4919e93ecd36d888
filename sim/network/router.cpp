#include "sim/network/router.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace clocksim::sim {

Router::Router(const Topology& topology, std::size_t cache_bytes)
    : topology_(topology),
      cache_capacity_(std::max<std::size_t>(
          2, cache_bytes / (2 * sizeof(std::uint32_t) * std::max<std::size_t>(1, topology.node_count())))) {}

void Router::set_link_up(NodeId a, NodeId b, bool up) {
  if (!topology_.adjacent(a, b))
    throw std::invalid_argument("no link between node " + std::to_string(a) + " and node " +
                                std::to_string(b) + " in the topology");
  const bool changed = up ? down_.erase(pair_key(a, b)) > 0 : down_.insert(pair_key(a, b)).second;
  if (changed) invalidate();
}

void Router::set_partition(const std::vector<std::vector<NodeId>>& groups) {
  const auto rest = static_cast<std::uint32_t>(groups.size());
  std::vector<std::uint32_t> group(topology_.node_count(), rest);
  for (std::uint32_t g = 0; g < groups.size(); ++g) {
    for (NodeId v : groups[g]) {
      if (v >= group.size())
        throw std::invalid_argument("partition names node " + std::to_string(v) + ", which does not exist");
      if (group[v] != rest)
        throw std::invalid_argument("partition puts node " + std::to_string(v) + " in two groups");
      group[v] = g;
    }
  }
  group_ = std::move(group);
  invalidate();
}

void Router::heal() {
  group_.clear();
  group_.shrink_to_fit();
  invalidate();
}

void Router::invalidate() {
  cache_.clear();
  cache_order_.clear();
}

const Router::Tree* Router::cached(NodeId root) const {
  auto it = cache_.find(root);
  return it == cache_.end() ? nullptr : &it->second;
}

const Router::Tree& Router::bfs(NodeId root) {
  if (cache_.size() >= cache_capacity_) {
    cache_.erase(cache_order_.front());
    cache_order_.pop_front();
  }
  const NodeId n = topology_.node_count();
  Tree tree{std::vector<std::uint32_t>(n, kUnreached), std::vector<NodeId>(n, kNoNode)};
  std::vector<NodeId> frontier{root}, next;
  tree.dist[root] = 0;
  for (std::uint32_t level = 1; !frontier.empty(); ++level) {
    next.clear();
    for (NodeId u : frontier) {
      topology_.for_each_neighbor(u, [&](NodeId w) {
        if (tree.dist[w] == kUnreached) {
          if (!usable(u, w)) return;
          tree.dist[w] = level;
          tree.toward_root[w] = u;
          next.push_back(w);
        } else if (tree.dist[w] == level && u < tree.toward_root[w] && usable(u, w)) {
          tree.toward_root[w] = u;  // another parent one level up: keep the lowest id
        }
      });
    }
    frontier.swap(next);
  }
  ++bfs_computed_;
  cache_order_.push_back(root);
  return cache_.emplace(root, std::move(tree)).first->second;
}

bool Router::descend_towards_root(const Tree& tree, NodeId from, std::vector<NodeId>& path) const {
  if (tree.dist[from] == kUnreached) return false;
  for (NodeId u = from; u != kNoNode; u = tree.toward_root[u]) path.push_back(u);
  return true;
}

bool Router::descend_from_root(const Tree& tree, NodeId from, NodeId to, std::vector<NodeId>& path) {
  const auto& dist = tree.dist;
  if (dist[to] == kUnreached) return false;
  if (mark_.size() != dist.size()) {
    mark_.assign(dist.size(), 0);
    next_.assign(dist.size(), kNoNode);
    epoch_ = 0;
  }
  if (++epoch_ == 0) {
    std::fill(mark_.begin(), mark_.end(), 0);
    epoch_ = 1;
  }
  // Walk back from `to` over BFS predecessors: exactly the nodes on some shortest from-to path.
  // Each records its lowest-id successor among them, which is the rule's next hop.
  auto reach = [&](NodeId w, NodeId successor) {
    if (mark_[w] != epoch_) {
      mark_[w] = epoch_;
      next_[w] = successor;
      return true;
    }
    next_[w] = std::min(next_[w], successor);
    return false;
  };
  std::vector<NodeId> stack{to};
  mark_[to] = epoch_;
  while (!stack.empty()) {
    const NodeId x = stack.back();
    stack.pop_back();
    if (dist[x] == 0) continue;
    if (dist[x] == 1) {  // its only predecessor is the root: no need to scan its neighbours
      reach(from, x);
      continue;
    }
    topology_.for_each_neighbor(x, [&](NodeId w) {
      if (dist[w] + 1 == dist[x] && usable(x, w) && reach(w, x)) stack.push_back(w);
    });
  }
  for (NodeId u = from;; u = next_[u]) {
    path.push_back(u);
    if (u == to) break;
  }
  return true;
}

bool Router::route(NodeId from, NodeId to, std::vector<NodeId>& path) {
  path.clear();
  if (!same_group(from, to) || topology_.component_of(from) != topology_.component_of(to)) return false;
  if (topology_.is_full_mesh()) {
    // Direct link unusable: a shortest path has two hops if any node still reaches both; the
    // rule's choice is the lowest-id such node. O(n) instead of an O(n^2) BFS on the mesh.
    for (NodeId w = 0; w < topology_.node_count(); ++w) {
      if (w != from && w != to && usable(from, w) && usable(w, to)) {
        path.assign({from, w, to});
        return true;
      }
    }
  }
  if (const Tree* t = cached(to)) return descend_towards_root(*t, from, path);
  if (const Tree* t = cached(from)) return descend_from_root(*t, from, to, path);
  // Root the new BFS at the endpoint seen more often (a master, a time server): later messages
  // to or from it then find it cached. Only the cost depends on this choice, never the route.
  if (uses_.empty()) uses_.assign(topology_.node_count(), 0);
  ++uses_[from];
  ++uses_[to];
  if (uses_[to] > uses_[from]) return descend_towards_root(bfs(to), from, path);
  return descend_from_root(bfs(from), from, to, path);
}

}  // namespace clocksim::sim
