#include "sim/output/tick_stats.hpp"

#include <algorithm>
#include <cstdlib>
#include <limits>

namespace clocksim::sim {

TickStats compute_tick_stats(Time t, const std::vector<NodeSnapshot>& snapshots, std::optional<Duration> bound,
                             std::vector<NodeId>& beliefs) {
  TickStats s;
  s.t = t;
  s.bound = bound;
  const NodeId n = static_cast<NodeId>(snapshots.size());
  // Per node, how many up nodes believe it is the master: the most believed one in O(N), with
  // no per-tick sort (ties go to the lowest id).
  beliefs.assign(n, 0);
  std::int64_t lo = std::numeric_limits<std::int64_t>::max();
  std::int64_t hi = std::numeric_limits<std::int64_t>::min();
  // Summed in 128 bits: 10^6 offsets of 10^12 ns would overflow 64.
  __extension__ __int128 abs_sum = 0;
  for (const NodeSnapshot& snap : snapshots) {
    if (!snap.up) continue;
    // A Byzantine node lies about its clock, not its role: it is left out of the skew, not out of
    // the masters and beliefs (a lying master is still the master everyone follows).
    if (snap.role == Role::kMaster) ++s.masters;
    if (snap.believed_master < n) ++beliefs[snap.believed_master];
    if (snap.faulty) continue;
    ++s.up_nodes;
    lo = std::min(lo, snap.offset_ns);
    hi = std::max(hi, snap.offset_ns);
    const std::int64_t a = snap.offset_ns < 0 ? -snap.offset_ns : snap.offset_ns;
    abs_sum += a;
    s.max_abs_offset_ns = std::max(s.max_abs_offset_ns, a);
  }
  if (s.up_nodes >= 2) s.max_skew_ns = hi - lo;
  if (s.up_nodes >= 1) {
    s.min_offset_ns = lo;
    s.max_offset_ns = hi;
  }
  if (s.up_nodes > 0) s.mean_abs_offset_ns = static_cast<std::int64_t>(abs_sum / s.up_nodes);
  NodeId best_count = 0;
  for (NodeId id = 0; id < n; ++id) {
    if (beliefs[id] > best_count) {
      best_count = beliefs[id];
      s.master = id;
    }
  }
  return s;
}

}  // namespace clocksim::sim
