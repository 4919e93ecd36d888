#include "sim/output/tick_stats.hpp"

#include <algorithm>

namespace clocksim::sim {
namespace {

std::int64_t magnitude(std::int64_t v) { return v < 0 ? -v : v; }

}  // namespace

TickStats compute_tick_stats(Time t, const UpOffsets& offsets, bool mean_known, std::optional<Duration> bound,
                             const RoleTally& roles) {
  TickStats s;
  s.t = t;
  s.bound = bound;
  s.up_nodes = offsets.count;
  if (offsets.count >= 2) s.max_skew_ns = offsets.hi_ns - offsets.lo_ns;
  if (offsets.count >= 1) {
    s.min_offset_ns = offsets.lo_ns;
    s.max_offset_ns = offsets.hi_ns;
    s.max_abs_offset_ns = std::max(magnitude(offsets.hi_ns), magnitude(offsets.lo_ns));
    if (mean_known) s.mean_abs_offset_ns = static_cast<std::int64_t>(offsets.abs_sum_ns / offsets.count);
  }
  // A Byzantine node lies about its clock, not its role: it is counted among the masters and
  // believers (a lying master is still the master everyone follows).
  s.masters = roles.masters();
  s.master = roles.most_believed();
  return s;
}

UpOffsets up_offsets_of(const std::vector<NodeSnapshot>& snapshots) {
  UpOffsets sums;
  for (const NodeSnapshot& snap : snapshots) {
    if (snap.up && !snap.faulty) sums.add(snap.offset_ns);
  }
  return sums;
}

}  // namespace clocksim::sim
