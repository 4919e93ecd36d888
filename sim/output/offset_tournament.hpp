// The largest and smallest clock offset among the up nodes at an instant, exactly, without
// reading every clock: a kinetic tournament (Basch, Guibas and Hershberger's kinetic data
// structures) over the nodes' offsets.
//
// Between the changes the exact skew checker is told of (a step, a rate correction, a slew, a
// crash or restart, a wander step), a node's offset moves with a slope inside a known interval:
// its rate plus the signed rate of a slew in progress until the slew's end, plus or minus the
// sinusoidal rate term's amplitude. Each internal node
// of a complete binary tree keeps the winner of its two children (the larger offset, and for the
// other tournament the smaller) and a certificate: the earliest instant at which the loser could
// catch up, from the gap between them when they were compared and the fastest the gap can
// close (piecewise: faster or slower once a slew ends), minus the rounding of the two readings. Until then the winner stays the winner; at a
// query the expired certificates and the comparisons a changed node takes part in (its parent's,
// and above that those it wins its way into) are re-compared, bottom-up, by reading those clocks
// exactly. So a query reads O(log N) clocks plus those whose certificates
// expired, where a full scan reads N; the answer is the same, because every value compared is an
// exact reading and a certificate never outlives the order it certifies. Where queries are rare
// next to changes (a star whose clients mostly corrected since the checker last had to look),
// reading every clock is cheaper than keeping the tree: over each window of queries the
// tournament picks the cheaper way for the next one, and rebuilds the tree when it goes back.
//
// A gap within the rounding slack certifies nothing: the pair is compared again at the next
// query. Clocks that are all equal (no drift, no offsets) thus cost O(N) a query, like a scan.
//
// In scan mode, a query need not read every clock either. After a full scan at t0, a clock that
// nothing but slews changed since (a step, a rate correction, a crash or restart: touch()) moves
// no faster than its rate, its sine term and its slew rate allow. So the scan also keeps the
// clocks that read within a margin of the largest or smallest offset, and a later query reads
// only those and the touched ones: if the largest of them is at least what any other clock can
// have grown to, it is the largest offset (and likewise the smallest); otherwise it scans again.
// The margin is a few query intervals' worth of that slope, so one scan serves several queries.
//
// Where few clocks slew at a time (a large star, each client correcting every few seconds), the
// slew rate (500 ppm) would make that margin ten times what drift alone needs. There the scan
// leaves slews out of the bound and reads the slewing clocks instead: every clock slewing at t0
// or since is read at each query until its slew is over, and then rejoins the others from that
// reading (or the near set, if it reads close to an extreme). A slew then costs a reading or two,
// however far it moves its clock. Where many slew at once, the slew rate stays in the bound.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <vector>

#include "algorithms/core/ids.hpp"
#include "sim/output/per_node_values.hpp"
#include "sim/output/radix_due_queue.hpp"
#include "sim/time.hpp"
#include "sim/world/observer.hpp"

namespace clocksim::sim {

class OffsetTournament {
 public:
  // extra_rate_ppm[i]: what node i's offset slope may add to its rate besides a slew (the
  // sinusoidal term's amplitude); max_slew_ppm[i]: its slew rate (<= 0: adjustments step).
  OffsetTournament(const TickView& view, std::vector<double> extra_rate_ppm, std::vector<double> max_slew_ppm);

  // Node i's value, slope or presence (is_up) changes from now on, other than by a slew:
  // re-read at the next query.
  void touch(NodeId i);
  void touch_all();
  // Node i slews at slew_ppm (signed) from now until `until` (true time), replacing any slew in
  // progress, as adjtime does: its slope is its rate plus slew_ppm until then, its rate after (the
  // certificates it takes part in allow for both, so the slew's end needs no re-reading). An
  // `until` not after now ends a slew.
  void slewing(NodeId i, Time until, double slew_ppm);

  struct Extremes {
    std::int64_t hi_ns = 0;
    std::int64_t lo_ns = 0;
    std::uint32_t count = 0;     // up nodes taken into account
    double rate_bound_ppm = 0;   // max over them of |rate| + extra + slew rate
  };
  // The extremes over the up nodes at the view's current time, leaving out `exclude` (kNoNode:
  // none). Times of successive queries must not decrease.
  Extremes query(Time t, NodeId exclude);

  // Whether a query now would likely read fewer clocks than a plain pass over every one (a caller
  // that can make that pass itself, with no tree to keep, may prefer it): the tree with few
  // changes, or a near set that still holds, or one whose predecessor answered queries.
  bool cheaper_than_reading_every_clock() const;

  // Clock readings the tournament made (introspection for tests and the benchmark).
  std::uint64_t readings() const { return readings_; }

 private:
  static constexpr std::uint32_t kNone = std::numeric_limits<std::uint32_t>::max();
  static constexpr std::int64_t kNever = std::numeric_limits<std::int64_t>::max();
  static constexpr int kMax = 0;
  static constexpr int kMin = 1;
  static constexpr std::uint8_t kBoth = 3;

  // What the comparisons read of a leaf, together: one cache line per leaf, not one per field.
  struct Leaf {
    std::int64_t cache_ns = 0;  // the reading at query cache_stamp
    double lo_ppm = 0;          // slope interval of the offset without the slew, in ppm
    double hi_ppm = 0;
    double slew_ppm = 0;        // added to both while the true time is before slew_until_ns
    std::int64_t slew_until_ns = std::numeric_limits<std::int64_t>::min();
    std::uint32_t cache_stamp = 0;
    std::uint32_t refreshed_stamp = 0;  // the query that last re-read its slope
    bool present = false;
  };
  // An internal node: per direction its winner, its certificate (kNever: none) and the instant of
  // the entry of due_ it relies on (kNever: none), never after the certificate.
  struct Inner {
    std::uint32_t win[2] = {kNone, kNone};
    std::int64_t cert[2] = {kNever, kNever};
    std::int64_t queued[2] = {kNever, kNever};
  };

  // The extremes by reading every clock, when too many changed since the last query for the tree
  // to be cheaper; leaves the tree stale. Reads only the clocks near the extremes and the touched
  // ones when that is enough (the class comment).
  Extremes scan(NodeId exclude, std::int64_t now_ns);
  Extremes full_scan(NodeId exclude, std::int64_t now_ns);
  bool scan_near_extremes(NodeId exclude, std::int64_t now_ns, Extremes& out);
  // After a query answered from the near set: the moved clocks whose slews are over rejoin the
  // others (`drift`: what the drift bound allows since t0, in ns).
  void settle_moved(std::int64_t now_ns, double drift);
  // Marks node i for the tree only (a slew: within the slope bound the near set relies on).
  void touch_tree(NodeId i);
  // Drops the near set and what was touched since the scan that made it.
  void forget_near();
  std::int64_t value(std::uint32_t leaf);
  void refresh_leaf(NodeId i);
  // What node i's offset slope may reach in absolute value: its rate, its sine term and its
  // slew rate (infinite when the rate is unknown).
  double rate_bound_of(NodeId i, const std::optional<double>& rate_ppm) const;
  // Brings rate_max_ on leaf i's path up to date, stopping where nothing changes.
  void update_rate_path(NodeId i);
  double rate_of(std::uint32_t c) const;  // a tree node's or a leaf's rate bound
  // Node k's comparisons in the directions `dirs` (bit kMax, bit kMin) are re-made at the query.
  void mark(std::uint32_t k, std::uint8_t dirs);
  // Re-compares node k's children at now_ns in the directions `dirs`; returns those in which the
  // parent must compare again: the winner changed or is a leaf re-read at this query. A direction
  // whose winners below are the same nodes on the same lines keeps its certificate.
  std::uint8_t recompute(std::uint32_t k, std::uint8_t dirs, std::int64_t now_ns);
  std::uint32_t winner(int dir, std::uint32_t k) const;
  std::int64_t certificate(int dir, std::uint32_t w, std::uint32_t l, std::int64_t now_ns);
  // The certificates that expire, in a monotone queue of cert ids (2 k + dir) with instants. A
  // certificate relies on one entry due no later than itself (Inner::queued): one that moves
  // later keeps its entry, which re-queues it at its instant when it comes due early; one that
  // moves earlier is queued again, and the entry it no longer relies on is stale, skipped when it
  // comes due or dropped by compact_due(). So every certificate due by a query has its entry
  // taken out at that query, and certificates that only move later (most of them) add nothing.
  void set_cert(int dir, std::uint32_t k, std::int64_t t_ns);
  void take_expired(std::int64_t now_ns);
  void compact_due();

  const TickView& view_;
  PerNodeValues<double> extra_rate_ppm_;
  PerNodeValues<double> max_slew_ppm_;
  std::uint32_t n_ = 0;
  std::uint32_t width_ = 1;  // leaves sit at width_ + i
  std::vector<Leaf> leaves_;
  std::vector<double> rate_bound_ppm_;  // per leaf: what only a refresh reads
  std::vector<Inner> inner_;            // per internal node
  std::vector<double> rate_max_;        // per internal node: max rate_bound_ppm below
  std::vector<std::uint8_t> dirty_;     // per internal node: the directions to re-compare
  std::vector<std::vector<std::uint32_t>> dirty_by_level_;  // dirty internal nodes by depth
  // Per leaf, apart (touch() must not miss the cache): bits kTouched (re-read for the tree),
  // kMoved (touched since the near set's scan, or, where it reads slews, slewed since or slewing
  // at it: read at every query while set), kHard (touched: something other than a slew changed it, so it stays kMoved until
  // the next scan), kUpAtScan (up at that scan), kNear (in near_nodes_) and kSlewListed (in
  // slewers_).
  static constexpr std::uint8_t kTouched = 1;
  static constexpr std::uint8_t kMoved = 2;
  static constexpr std::uint8_t kUpAtScan = 4;
  static constexpr std::uint8_t kHard = 8;
  static constexpr std::uint8_t kNear = 16;
  static constexpr std::uint8_t kSlewListed = 32;
  std::vector<std::uint8_t> leaf_touched_;
  std::vector<NodeId> touched_;
  RadixDueQueue due_;
  std::size_t live_certs_ = 0;  // certificates with an entry they rely on: the entries not stale
  std::vector<std::uint8_t> kept_;  // scratch for compact_due
  std::vector<std::uint32_t> requeue_;  // scratch for take_expired
  std::uint32_t stamp_ = 0;  // the query; 0 is never one (stamps restart when it wraps)
  std::uint32_t present_ = 0;
  // The choice between the tree and a scan, made per window of queries. The weight is what a
  // re-comparison costs in clock readings (measured on stars of 10^3 and 10^4 clients).
  static constexpr std::uint32_t kWindow = 64;
  static constexpr double kScanWeight = 2.0;
  std::uint32_t window_queries_ = 0;
  std::uint64_t window_touches_ = 0;
  std::uint64_t window_readings_ = 0;  // readings_ when the window began
  double scan_readings_ = 0;           // readings per query in the last window of scans
  bool scan_mode_ = false;
  std::vector<TickView::ClockReading> scan_;  // a scan's readings, kept for the next one

  // The near set of the last full scan (class comment), valid while in scan mode.
  struct Near {
    bool valid = false;
    std::int64_t t0_ns = 0;
    std::int64_t hi_floor_ns = 0;  // every other clock up at t0 read below this
    std::int64_t lo_ceil_ns = 0;   // and above this
    bool rest = false;             // some clock up at t0 is not in the near set
    double rate_ppm = 0;           // what bounds an unmoved clock's slope: the largest drift
                                   // bound at t0 (rate and sine), plus the slew rate unless slews_read
    bool slews_read = false;       // slewing clocks are kMoved, read at each query
    std::uint32_t up = 0;          // clocks up at t0
  };
  static constexpr std::size_t kTopRates = 8;
  static constexpr double kMarginQueries = 4;
  Near near_;
  std::uint32_t near_answers_ = 0;         // queries the current near set answered
  std::uint32_t near_answers_before_ = 0;  // and the one before it
  std::vector<NodeId> near_nodes_;
  std::uint64_t slews_since_scan_ = 0;  // unless slews_read: each may move its clock by a rounding, 1 ns
  std::vector<NodeId> moved_;  // kMoved
  std::vector<std::int64_t> moved_offset_ns_;  // scratch: their readings at a query
  std::vector<char> moved_up_;                 // and whether they were up
  // Every clock that may be slewing: listed at its slewing(), dropped by the scan that finds its
  // slew over. A scan marks those still slewing kMoved.
  std::vector<NodeId> slewers_;
  void mark_moved(NodeId i) {
    if (leaf_touched_[i] & kMoved) return;
    leaf_touched_[i] |= kMoved;
    moved_.push_back(i);
  }
  // The largest rate bounds at t0, largest first: the first one whose clock was not touched since
  // is the largest among the untouched clocks.
  std::vector<std::pair<double, NodeId>> top_rates_;
  std::int64_t last_scan_query_ns_ = 0;
  double query_gap_ns_ = 0;  // a moving average of the time between queries in scan mode
  bool stale_ = false;  // a scan answered since the last update: the tree is rebuilt before use
  std::uint64_t readings_ = 0;
};

}  // namespace clocksim::sim
