#include "sim/output/tick_stats.hpp"

#include <algorithm>
#include <limits>

namespace clocksim::sim {
namespace {

std::int64_t magnitude(std::int64_t v) { return v < 0 ? -v : v; }

// What a tick reports of the roles; a Byzantine node lies about its clock, not its role, so it
// is counted among the masters and believers (a lying master is still the master everyone follows).
void add_roles(TickStats& s, const RoleTally& roles) {
  s.masters = roles.masters();
  s.master = roles.most_believed();
}

void add_extremes(TickStats& s, const OffsetExtremes& x) {
  s.up_nodes = x.count;
  if (x.count >= 2) s.max_skew_ns = x.hi_ns - x.lo_ns;
  if (x.count >= 1) {
    s.min_offset_ns = x.lo_ns;
    s.max_offset_ns = x.hi_ns;
    s.max_abs_offset_ns = std::max(magnitude(x.hi_ns), magnitude(x.lo_ns));
  }
}

}  // namespace

TickStats compute_tick_stats(Time t, const std::vector<NodeSnapshot>& snapshots, std::optional<Duration> bound,
                             const RoleTally& roles) {
  TickStats s;
  s.t = t;
  s.bound = bound;
  OffsetExtremes x;
  x.hi_ns = std::numeric_limits<std::int64_t>::min();
  x.lo_ns = std::numeric_limits<std::int64_t>::max();
  // Summed in 128 bits: 10^6 offsets of 10^12 ns would overflow 64.
  __extension__ __int128 abs_sum = 0;
  for (const NodeSnapshot& snap : snapshots) {
    if (!snap.up || snap.faulty) continue;
    ++x.count;
    x.lo_ns = std::min(x.lo_ns, snap.offset_ns);
    x.hi_ns = std::max(x.hi_ns, snap.offset_ns);
    abs_sum += magnitude(snap.offset_ns);
  }
  add_extremes(s, x);
  if (x.count > 0) s.mean_abs_offset_ns = static_cast<std::int64_t>(abs_sum / x.count);
  add_roles(s, roles);
  return s;
}

TickStats tick_stats_from_extremes(Time t, const OffsetExtremes& x, std::optional<Duration> bound,
                                   const RoleTally& roles) {
  TickStats s;
  s.t = t;
  s.bound = bound;
  add_extremes(s, x);
  add_roles(s, roles);
  return s;
}

}  // namespace clocksim::sim
