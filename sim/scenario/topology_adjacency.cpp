#include "sim/scenario/topology_adjacency.hpp"

#include <algorithm>

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

}  // namespace clocksim::scenario
