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
  std::uint32_t up_nodes = 0;            // up and correct: the nodes the figures below are over
  // The figures below mean nothing with up_nodes 0 (no clock measured): skew.csv leaves them
  // empty and no statistic counts them.
  std::int64_t max_skew_ns = 0;          // max − min offset over up nodes (0 with one)
  std::int64_t mean_abs_offset_ns = 0;   // truncated; 0 unless every clock was read
  std::int64_t max_abs_offset_ns = 0;
  std::int64_t min_offset_ns = 0;        // signed extremes over up nodes (0 with none)
  std::int64_t max_offset_ns = 0;
  NodeId master = kNoNode;               // believed by the most up nodes (ties: lowest id)
  std::uint32_t masters = 0;             // up nodes whose role is master
  std::optional<Duration> bound;
};

// The aggregate at t of the counted clocks' offsets and the roles. `mean_known`: the offsets'
// abs sum covers every counted clock, so mean_abs_offset_ns is given; otherwise (extremes alone)
// it is left 0, which only skew.csv would show.
TickStats compute_tick_stats(Time t, const UpOffsets& offsets, bool mean_known, std::optional<Duration> bound,
                             const RoleTally& roles);
// The offsets of the snapshots (TickView::snapshot_all) of the nodes counted in the skew: up and
// not faulty.
UpOffsets up_offsets_of(const std::vector<NodeSnapshot>& snapshots);

}  // namespace clocksim::sim
