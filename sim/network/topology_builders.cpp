// Edge generators for the built-in topologies. Random ones use only our own engine and integer
// or IEEE arithmetic (no std:: distributions), so a seed gives the same graph everywhere.
#include <algorithm>
#include <cmath>
#include <cstdint>

#include "algorithms/core/rng.hpp"
#include "sim/network/topology.hpp"

namespace clocksim::sim {

namespace {

using Edges = std::vector<std::pair<NodeId, NodeId>>;

// Uniform integer in [0, bound) by the multiply-high method (Lemire 2019, without the rejection
// step: the bias is below 2^-32 for the sizes here and the result is portable).
__extension__ using Uint128 = unsigned __int128;  // GCC/Clang; __extension__ keeps -Wpedantic quiet

std::uint64_t uniform_below(Rng& rng, std::uint64_t bound) {
  return static_cast<std::uint64_t>((static_cast<Uint128>(rng()) * bound) >> 64);
}

}  // namespace

Edges star_edges(NodeId n, NodeId hub) {
  Edges e;
  e.reserve(n);
  for (NodeId v = 0; v < n; ++v)
    if (v != hub) e.emplace_back(hub, v);
  return e;
}

Edges line_edges(NodeId n) {
  Edges e;
  for (NodeId v = 1; v < n; ++v) e.emplace_back(v - 1, v);
  return e;
}

Edges ring_edges(NodeId n) {
  Edges e = line_edges(n);
  if (n >= 3) e.emplace_back(n - 1, 0);  // n = 2 would duplicate the single link
  return e;
}

Edges grid_edges(int rows, int cols) {
  // Node r * cols + c; 4-neighbourhood, no wrap-around.
  Edges e;
  for (int r = 0; r < rows; ++r) {
    for (int c = 0; c < cols; ++c) {
      const auto v = static_cast<NodeId>(r * cols + c);
      if (c + 1 < cols) e.emplace_back(v, v + 1);
      if (r + 1 < rows) e.emplace_back(v, v + static_cast<NodeId>(cols));
    }
  }
  return e;
}

Edges erdos_renyi_edges(NodeId n, double p, std::uint64_t seed) {
  // G(n, p) in O(n + m) by geometric skipping over the pairs (v, w), w < v, in order
  // (Batagelj & Brandes, "Efficient generation of large random networks", Phys. Rev. E 71, 2005).
  Edges e;
  if (n < 2 || p <= 0) return e;
  if (p >= 1) {
    for (NodeId v = 1; v < n; ++v)
      for (NodeId w = 0; w < v; ++w) e.emplace_back(w, v);
    return e;
  }
  Rng rng(seed);
  const double log_q = std::log1p(-p);
  std::int64_t v = 1, w = -1;
  while (v < n) {
    const double r = rng.uniform01();  // [0, 1): log1p(-r) is finite
    w += 1 + static_cast<std::int64_t>(std::floor(std::log1p(-r) / log_q));
    while (w >= v && v < n) {
      w -= v;
      ++v;
    }
    if (v < n) e.emplace_back(static_cast<NodeId>(w), static_cast<NodeId>(v));
  }
  return e;
}

Edges barabasi_albert_edges(NodeId n, int m, std::uint64_t seed) {
  // Preferential attachment (Barabasi & Albert 1999): start from a complete graph on m + 1
  // nodes; each later node links to m distinct earlier nodes chosen with probability
  // proportional to degree, by drawing uniformly from the list of all link endpoints (a node
  // appears there once per link). Duplicates are redrawn. Edge count m(m+1)/2 + (n-m-1)m.
  Edges e;
  const auto mm = static_cast<NodeId>(m);
  const NodeId seed_nodes = std::min<NodeId>(n, mm + 1);
  for (NodeId v = 1; v < seed_nodes; ++v)
    for (NodeId w = 0; w < v; ++w) e.emplace_back(w, v);
  if (n <= seed_nodes) return e;

  Rng rng(seed);
  std::vector<NodeId> endpoints;
  endpoints.reserve(2 * (e.size() + std::uint64_t(n - seed_nodes) * mm));
  for (auto [a, b] : e) {
    endpoints.push_back(a);
    endpoints.push_back(b);
  }
  std::vector<NodeId> chosen;
  for (NodeId v = seed_nodes; v < n; ++v) {
    chosen.clear();
    while (chosen.size() < mm) {
      const NodeId target = endpoints[uniform_below(rng, endpoints.size())];
      if (std::find(chosen.begin(), chosen.end(), target) == chosen.end()) chosen.push_back(target);
    }
    for (NodeId target : chosen) {
      e.emplace_back(target, v);
      endpoints.push_back(target);
      endpoints.push_back(v);
    }
  }
  return e;
}

}  // namespace clocksim::sim
