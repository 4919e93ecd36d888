// One tick's aggregate over the nodes: the numbers skew.csv holds and expectations check.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "algorithms/core/ids.hpp"
#include "algorithms/core/time.hpp"
#include "sim/output/role_tally.hpp"
#include "sim/time.hpp"
#include "sim/world/observer.hpp"

namespace clocksim::sim {

struct TickStats {
  Time t;
  std::uint32_t up_nodes = 0;
  std::int64_t max_skew_ns = 0;          // max − min offset over up nodes (0 with fewer than 2)
  std::int64_t mean_abs_offset_ns = 0;   // truncated; only from every clock (compute_tick_stats)
  std::int64_t max_abs_offset_ns = 0;
  std::int64_t min_offset_ns = 0;        // signed extremes over up nodes (0 with none)
  std::int64_t max_offset_ns = 0;
  NodeId master = kNoNode;               // believed by the most up nodes (ties: lowest id)
  std::uint32_t masters = 0;             // up nodes whose role is master
  std::optional<Duration> bound;
};

// The largest and smallest offset over the up, correct nodes at an instant, and how many there
// are: what a tick needs of the clocks when no file wants every node's reading.
struct OffsetExtremes {
  std::int64_t hi_ns = 0;
  std::int64_t lo_ns = 0;
  std::uint32_t count = 0;
};

// The aggregate at t from every node's snapshot (TickView::snapshot_all) and the roles.
TickStats compute_tick_stats(Time t, const std::vector<NodeSnapshot>& snapshots, std::optional<Duration> bound,
                             const RoleTally& roles);
// The same but mean_abs_offset_ns (left 0), from the extremes alone.
TickStats tick_stats_from_extremes(Time t, const OffsetExtremes& x, std::optional<Duration> bound,
                                   const RoleTally& roles);

}  // namespace clocksim::sim
