#include "sim/output/offset_tournament.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace clocksim::sim {
namespace {

// Two readings each within half a nanosecond of the real line they round, at two instants: the
// gap between two clocks can look up to 2 ns smaller than the real one. Twice that, for safety.
constexpr std::int64_t kSlackNs = 4;

std::int64_t saturating_add(std::int64_t a, std::int64_t b) {
  return a > std::numeric_limits<std::int64_t>::max() - b ? std::numeric_limits<std::int64_t>::max() : a + b;
}

}  // namespace

OffsetTournament::OffsetTournament(const TickView& view, std::vector<double> extra_rate_ppm,
                                   std::vector<double> max_slew_ppm)
    : view_(view), extra_rate_ppm_(std::move(extra_rate_ppm)), max_slew_ppm_(std::move(max_slew_ppm)) {
  n_ = view_.node_count();
  scan_readings_ = n_;
  width_ = std::max<std::uint32_t>(2, std::bit_ceil(std::max<std::uint32_t>(n_, 1)));
  leaves_.resize(n_);
  rate_bound_ppm_.assign(n_, 0.0);
  leaf_touched_.assign(n_, 0);
  inner_.resize(width_);
  rate_max_.assign(width_, 0.0);
  dirty_.assign(width_, 0);
  dirty_by_level_.resize(static_cast<std::size_t>(std::bit_width(width_)));
  touch_all();
}

void OffsetTournament::touch_tree(NodeId i) {
  if (i >= n_ || (leaf_touched_[i] & kTouched)) return;
  leaf_touched_[i] |= kTouched;
  touched_.push_back(i);
}

void OffsetTournament::touch(NodeId i) {
  if (i >= n_) return;
  touch_tree(i);
  leaf_touched_[i] |= kHard;
  mark_moved(i);
}

void OffsetTournament::touch_all() {
  for (NodeId i = 0; i < n_; ++i) touch_tree(i);
  forget_near();
}

void OffsetTournament::forget_near() {
  near_.valid = false;
  for (NodeId i : moved_) leaf_touched_[i] &= static_cast<std::uint8_t>(~(kMoved | kHard));
  moved_.clear();
  for (NodeId i : near_nodes_) leaf_touched_[i] &= static_cast<std::uint8_t>(~kNear);
  near_nodes_.clear();
}

void OffsetTournament::slewing(NodeId i, Time until, double slew_ppm) {
  if (i >= n_) return;
  leaves_[i].slew_until_ns = until.ns();
  leaves_[i].slew_ppm = slew_ppm;
  touch_tree(i);
  // A near set whose bound leaves slews out reads a slewing clock until its slew is over (which
  // also takes in the nanosecond re-basing a slew rounds the clock by).
  if (near_.slews_read) {
    mark_moved(i);
  } else {
    ++slews_since_scan_;
  }
  if (!(leaf_touched_[i] & kSlewListed)) {
    leaf_touched_[i] |= kSlewListed;
    slewers_.push_back(i);
  }
}

std::int64_t OffsetTournament::value(std::uint32_t leaf) {
  Leaf& l = leaves_[leaf];
  if (l.cache_stamp != stamp_) {
    l.cache_stamp = stamp_;
    l.cache_ns = view_.offset_ns(leaf);
    ++readings_;
  }
  return l.cache_ns;
}

void OffsetTournament::mark(std::uint32_t k, std::uint8_t dirs) {
  if (!dirty_[k]) dirty_by_level_[static_cast<std::size_t>(std::bit_width(k)) - 1].push_back(k);
  dirty_[k] |= dirs;
}

double OffsetTournament::rate_bound_of(NodeId i, const std::optional<double>& rate_ppm) const {
  if (!rate_ppm || !std::isfinite(*rate_ppm)) return HUGE_VAL;
  return std::fabs(*rate_ppm) + extra_rate_ppm_[i] + std::max(0.0, max_slew_ppm_[i]);
}

void OffsetTournament::refresh_leaf(NodeId i) {
  Leaf& leaf = leaves_[i];
  const bool was = leaf.present;
  leaf.present = view_.is_up(i);
  if (leaf.present) {
    value(i);  // reads the clock first: a lazy wander is brought up to now before its rate is read
    const std::optional<double> rate = view_.clock_rate_ppm(i);
    rate_bound_ppm_[i] = rate_bound_of(i, rate);
    // A slew in progress moves the slope by exactly its signed rate until it ends (leaf.slew_ppm,
    // which certificate() adds until then).
    const double spread = extra_rate_ppm_[i];
    if (rate && std::isfinite(*rate)) {
      leaf.lo_ppm = *rate - spread;
      leaf.hi_ppm = *rate + spread;
    } else {
      leaf.lo_ppm = -HUGE_VAL;
      leaf.hi_ppm = HUGE_VAL;
    }
  }
  if (was != leaf.present) present_ += leaf.present ? 1 : -1;
  leaf.refreshed_stamp = stamp_;
  // Only the comparisons this leaf takes part in change: its parent's, and above it those it
  // wins its way into (query() climbs while a winner changed or is a re-read leaf).
  mark((width_ + i) / 2, kBoth);
  update_rate_path(i);
}

void OffsetTournament::update_rate_path(NodeId i) {
  for (std::uint32_t k = (width_ + i) / 2; k >= 1; k /= 2) {
    const double r = std::max(rate_of(2 * k), rate_of(2 * k + 1));
    if (r == rate_max_[k]) return;
    rate_max_[k] = r;
  }
}

double OffsetTournament::rate_of(std::uint32_t c) const {
  if (c < width_) return rate_max_[c];
  const std::uint32_t i = c - width_;
  return i < n_ && leaves_[i].present ? rate_bound_ppm_[i] : 0.0;
}

std::uint32_t OffsetTournament::winner(int dir, std::uint32_t k) const {
  if (k < width_) return inner_[k].win[dir];
  const std::uint32_t i = k - width_;
  return i < n_ && leaves_[i].present ? i : kNone;
}

std::int64_t OffsetTournament::certificate(int dir, std::uint32_t w, std::uint32_t l, std::int64_t now_ns) {
  const std::int64_t vw = value(w), vl = value(l);
  const std::int64_t gap = dir == kMax ? vw - vl : vl - vw;
  // How fast the loser can close the gap at most, in ns per second of true time (ppm): the upper
  // slope of the one below minus the lower slope of the one above, each with its slew until the
  // slew ends. So the closing rate is constant between the slews' ends still ahead.
  const Leaf& below = leaves_[dir == kMax ? l : w];
  const Leaf& above = leaves_[dir == kMax ? w : l];
  const double base_ppm = below.hi_ppm - above.lo_ppm;
  if (gap <= kSlackNs || std::isnan(base_ppm) || std::isinf(base_ppm)) return now_ns;
  std::int64_t ends_ns[2];
  int n = 0;
  if (below.slew_until_ns > now_ns) ends_ns[n++] = below.slew_until_ns;
  if (above.slew_until_ns > now_ns) ends_ns[n++] = above.slew_until_ns;
  if (n == 2 && ends_ns[1] < ends_ns[0]) std::swap(ends_ns[0], ends_ns[1]);
  // Piece by piece, what is left of the gap (less the rounding slack) stays on the safe side: the
  // time a piece needs is rounded down, what it closes up, and a piece that widens the gap is
  // taken as one that holds it.
  double left_ns = static_cast<double>(gap - kSlackNs);
  std::int64_t from_ns = now_ns;
  for (int k = 0;; ++k) {
    const bool last = k == n;
    const double closing_ppm = base_ppm + (below.slew_until_ns > from_ns ? below.slew_ppm : 0.0) -
                               (above.slew_until_ns > from_ns ? above.slew_ppm : 0.0);
    if (closing_ppm > 0) {
      const double span_ns = left_ns / (closing_ppm * 1e-6) * (1 - 1e-9);
      if (last || span_ns < static_cast<double>(ends_ns[k] - from_ns)) {
        if (!(span_ns < 9e18)) return kNever;
        return saturating_add(from_ns, static_cast<std::int64_t>(std::floor(span_ns)));
      }
      left_ns -= closing_ppm * 1e-6 * static_cast<double>(ends_ns[k] - from_ns) * (1 + 1e-9);
      if (left_ns <= 0) return ends_ns[k];
    } else if (last) {
      return kNever;
    }
    from_ns = ends_ns[k];
  }
}

std::uint8_t OffsetTournament::recompute(std::uint32_t k, std::uint8_t dirs, std::int64_t now_ns) {
  std::uint8_t changed = 0;
  for (int dir = 0; dir < 2; ++dir) {
    if (!(dirs & (1u << dir))) continue;
    const std::uint32_t a = winner(dir, 2 * k), b = winner(dir, 2 * k + 1);
    std::uint32_t w = kNone;
    std::int64_t cert = kNever;
    if (a == kNone || b == kNone) {
      w = a == kNone ? b : a;
    } else {
      const std::int64_t va = value(a), vb = value(b);
      const bool a_wins = dir == kMax ? va >= vb : va <= vb;
      w = a_wins ? a : b;
      cert = certificate(dir, w, a_wins ? b : a, now_ns);
    }
    // The parent compares this winner again if it is another node or one whose line moved.
    if (w != inner_[k].win[dir] || (w != kNone && leaves_[w].refreshed_stamp == stamp_)) {
      changed |= static_cast<std::uint8_t>(1u << dir);
    }
    inner_[k].win[dir] = w;
    set_cert(dir, k, cert);
  }
  return changed;
}

void OffsetTournament::set_cert(int dir, std::uint32_t k, std::int64_t t_ns) {
  // Never before the queue's floor, which is not after this query: due at the next query either way.
  if (t_ns != kNever) t_ns = std::max(t_ns, due_.floor_ns());
  Inner& node = inner_[k];
  node.cert[dir] = t_ns;
  // No certificate, or an entry at or before it already queued: nothing to add.
  if (t_ns == kNever || node.queued[dir] <= t_ns) return;
  if (node.queued[dir] == kNever) ++live_certs_;
  node.queued[dir] = t_ns;
  due_.push(t_ns, 2 * k + static_cast<std::uint32_t>(dir));
  // Stale entries of certificates that kept moving earlier would otherwise pile up.
  constexpr std::size_t kCompactMin = 1024;
  if (due_.size() > 2 * live_certs_ + kCompactMin) compact_due();
}

void OffsetTournament::take_expired(std::int64_t now_ns) {
  requeue_.clear();
  due_.take_due(now_ns, [this, now_ns](const RadixDueQueue::Entry& e) {
    Inner& node = inner_[e.id >> 1];
    const int dir = static_cast<int>(e.id & 1);
    if (node.queued[dir] != e.t_ns) return;  // stale: the certificate relies on an earlier entry
    node.queued[dir] = kNever;
    --live_certs_;
    if (node.cert[dir] == kNever) return;
    if (node.cert[dir] > now_ns) {
      requeue_.push_back(e.id);  // came due early: the certificate moved later since
      return;
    }
    node.cert[dir] = kNever;  // expired: recomputed below
    mark(e.id >> 1, static_cast<std::uint8_t>(1u << dir));
  });
  // After the take: the queue takes no pushes while it hands entries out. These are due after
  // now_ns, so none of them would have come out at this query anyway.
  for (const std::uint32_t id : requeue_) set_cert(static_cast<int>(id & 1), id >> 1, inner_[id >> 1].cert[id & 1]);
}

void OffsetTournament::compact_due() {
  // One entry per certificate: the one it relies on (a certificate that moved away and back has
  // two at that instant).
  kept_.assign(2 * static_cast<std::size_t>(width_), 0);
  due_.compact([this](const RadixDueQueue::Entry& e) {
    if (inner_[e.id >> 1].queued[e.id & 1] != e.t_ns || kept_[e.id]) return false;
    kept_[e.id] = 1;
    return true;
  });
}

OffsetTournament::Extremes OffsetTournament::scan(NodeId exclude, std::int64_t now_ns) {
  for (NodeId i : touched_) leaf_touched_[i] &= static_cast<std::uint8_t>(~kTouched);
  touched_.clear();
  stale_ = true;
  const double gap_ns = static_cast<double>(now_ns - last_scan_query_ns_);
  query_gap_ns_ = query_gap_ns_ == 0 ? gap_ns : query_gap_ns_ + (gap_ns - query_gap_ns_) / 8;
  last_scan_query_ns_ = now_ns;
  Extremes out;
  if (near_.valid && scan_near_extremes(exclude, now_ns, out)) {
    ++near_answers_;
    return out;
  }
  near_answers_before_ = near_answers_;
  near_answers_ = 0;
  return full_scan(exclude, now_ns);
}

bool OffsetTournament::cheaper_than_reading_every_clock() const {
  if (!scan_mode_) {
    // A tree made stale by scans is rebuilt whole; otherwise each changed clock costs its path.
    const double levels = static_cast<double>(dirty_by_level_.size() - 1);
    return !stale_ && kScanWeight * static_cast<double>(touched_.size()) * levels < static_cast<double>(n_);
  }
  if (near_.valid && (near_nodes_.size() + moved_.size()) * 2 <= near_.up) return true;
  // A scan now costs a reading of every clock and more; worth it only if its near set is likely
  // to answer queries after it, as the last one did.
  return near_answers_before_ >= 2;
}

OffsetTournament::Extremes OffsetTournament::full_scan(NodeId exclude, std::int64_t now_ns) {
  Extremes out;
  std::int64_t hi = std::numeric_limits<std::int64_t>::min(), lo = std::numeric_limits<std::int64_t>::max();
  std::int64_t all_hi = hi, all_lo = lo;  // the excluded clock too: the near set is for later queries
  view_.read_up_clocks(scan_);
  readings_ += scan_.size();
  top_rates_.clear();
  double drift_ppm = 0;
  for (const TickView::ClockReading& c : scan_) {
    const NodeId i = c.id;
    const std::int64_t v = c.offset_ns;
    // The tree's rate bound, which counts the excluded node too.
    const double rate = rate_bound_of(i, c.rate_ppm);
    out.rate_bound_ppm = std::max(out.rate_bound_ppm, rate);
    drift_ppm = std::max(drift_ppm, c.rate_ppm && std::isfinite(*c.rate_ppm) ? std::fabs(*c.rate_ppm) + extra_rate_ppm_[i]
                                                                               : HUGE_VAL);
    if (top_rates_.size() < kTopRates || rate > top_rates_.back().first) {
      if (top_rates_.size() == kTopRates) top_rates_.pop_back();
      auto at = std::find_if(top_rates_.begin(), top_rates_.end(), [rate](const auto& r) { return r.first < rate; });
      top_rates_.insert(at, {rate, i});
    }
    all_hi = std::max(all_hi, v);
    all_lo = std::min(all_lo, v);
    if (i == exclude) continue;
    hi = std::max(hi, v);
    lo = std::min(lo, v);
    ++out.count;
  }
  if (out.count > 0) {
    out.hi_ns = hi;
    out.lo_ns = lo;
  }

  // The near set for the queries to come: the clocks within a margin of the extremes, which is
  // what the fastest drift covers in a few query intervals.
  forget_near();
  slews_since_scan_ = 0;
  for (NodeId i = 0; i < n_; ++i) leaf_touched_[i] &= static_cast<std::uint8_t>(~kUpAtScan);
  std::size_t still = 0;
  for (const NodeId i : slewers_) {
    if (leaves_[i].slew_until_ns > now_ns) {
      slewers_[still++] = i;
    } else {
      leaf_touched_[i] &= static_cast<std::uint8_t>(~kSlewListed);
    }
  }
  slewers_.resize(still);
  // Few clocks slewing now: read them until their slews are over, and leave slews out of the
  // bound. Many: reading them would cost about a scan, so the slew rate stays in the bound.
  near_.slews_read = still * 4 <= scan_.size();
  if (near_.slews_read) {
    for (const NodeId i : slewers_) mark_moved(i);
  }
  near_.rate_ppm = near_.slews_read ? drift_ppm : out.rate_bound_ppm;
  const double margin = near_.rate_ppm * 1e-6 * kMarginQueries * query_gap_ns_;
  constexpr std::int64_t kFar = std::int64_t{1} << 61;  // beyond: no near set, so no overflow below
  if (scan_.empty() || !(margin < 1e15) || all_hi > kFar || all_lo < -kFar) return out;
  for (const TickView::ClockReading& c : scan_) leaf_touched_[c.id] |= kUpAtScan;
  // Where the clocks crowd near the extremes, a narrower margin: a near set of a quarter of them
  // at most (one of half saves too little to be worth a failed attempt).
  std::int64_t margin_ns = static_cast<std::int64_t>(std::ceil(margin)) + 4 * kSlackNs;
  while (true) {
    near_nodes_.clear();
    near_.hi_floor_ns = all_hi - margin_ns;
    near_.lo_ceil_ns = all_lo + margin_ns;
    for (const TickView::ClockReading& c : scan_) {
      if (c.offset_ns >= near_.hi_floor_ns || c.offset_ns <= near_.lo_ceil_ns) near_nodes_.push_back(c.id);
    }
    if (near_nodes_.size() * 4 <= scan_.size() || margin_ns <= 4 * kSlackNs) break;
    margin_ns = std::max<std::int64_t>(4 * kSlackNs, margin_ns / 2);
  }
  for (const NodeId i : near_nodes_) leaf_touched_[i] |= kNear;
  near_.t0_ns = now_ns;
  near_.up = static_cast<std::uint32_t>(scan_.size());
  near_.rest = near_nodes_.size() < scan_.size();
  near_.valid = near_nodes_.size() * 2 <= scan_.size();
  return out;
}

bool OffsetTournament::scan_near_extremes(NodeId exclude, std::int64_t now_ns, Extremes& out) {
  if ((near_nodes_.size() + moved_.size()) * 2 > near_.up) return false;
  // How far any clock outside the near set and not moved since t0 can have moved: its slope
  // bound over the time since, the rounding of two readings, and a nanosecond for each slew not
  // read (re-basing a slew rounds what it had done so far).
  const double drift = near_.rate_ppm * 1e-6 * static_cast<double>(now_ns - near_.t0_ns);
  const double grow = drift * (1 + 1e-9);
  if (!(grow < 1e15) || slews_since_scan_ > (std::uint64_t{1} << 40)) return false;
  const std::int64_t grow_ns =
      static_cast<std::int64_t>(std::ceil(grow)) + kSlackNs + static_cast<std::int64_t>(slews_since_scan_);
  const std::int64_t rest_hi = near_.hi_floor_ns - 1 + grow_ns;
  const std::int64_t rest_lo = near_.lo_ceil_ns + 1 - grow_ns;

  std::int64_t hi = std::numeric_limits<std::int64_t>::min(), lo = std::numeric_limits<std::int64_t>::max();
  std::uint32_t up = near_.up;
  double rate_ppm = 0;
  for (const NodeId i : near_nodes_) {
    if ((leaf_touched_[i] & kMoved) || i == exclude) continue;  // a moved one: below
    const std::int64_t v = view_.offset_ns(i);
    ++readings_;
    hi = std::max(hi, v);
    lo = std::min(lo, v);
  }
  moved_offset_ns_.resize(moved_.size());
  moved_up_.resize(moved_.size());
  for (std::size_t k = 0; k < moved_.size(); ++k) {
    const NodeId i = moved_[k];
    const bool was_up = leaf_touched_[i] & kUpAtScan;
    const bool is_up = view_.is_up(i);
    moved_up_[k] = is_up;
    up = up + (is_up ? 1 : 0) - (was_up ? 1 : 0);
    if (!is_up) continue;
    const std::int64_t v = view_.offset_ns(i);  // first: a lazy wander is brought up to now
    moved_offset_ns_[k] = v;
    ++readings_;
    rate_ppm = std::max(rate_ppm, rate_bound_of(i, view_.clock_rate_ppm(i)));
    if (i == exclude) continue;
    hi = std::max(hi, v);
    lo = std::min(lo, v);
  }
  // The clocks not moved keep the rate bounds they had at t0.
  bool unmoved_rate = top_rates_.size() < kTopRates;
  for (const auto& [r, i] : top_rates_) {
    if (!(leaf_touched_[i] & kMoved)) {
      rate_ppm = std::max(rate_ppm, r);
      unmoved_rate = true;
      break;
    }
  }
  if (!unmoved_rate || (near_.rest && (hi < rest_hi || lo > rest_lo))) return false;
  // Less the excluded clock as counted above: an unmoved one by its state at t0, as the tree
  // counts it (a crash is looked at, with the crashed clock excluded, before it is touched).
  if (exclude < n_) {
    const bool counted = (leaf_touched_[exclude] & kMoved) ? view_.is_up(exclude) : (leaf_touched_[exclude] & kUpAtScan) != 0;
    if (counted) --up;
  }
  out.count = up;
  if (up > 0 && (hi == std::numeric_limits<std::int64_t>::min() || lo == std::numeric_limits<std::int64_t>::max())) {
    return false;  // nothing read, though a clock is up: a full scan says what it reads
  }
  if (out.count > 0) {
    out.hi_ns = hi;
    out.lo_ns = lo;
  }
  out.rate_bound_ppm = rate_ppm;
  if (near_.slews_read) settle_moved(now_ns, drift);
  return true;
}

// A clock moved only by slews whose last slew is over drifts from its reading now no faster than
// at t0 (its rate is the same), so from now on it is bounded as if it had been there at t0 if it
// reads at most where a clock that stayed had drifted to by now. One that reads closer to an
// extreme joins the near set.
void OffsetTournament::settle_moved(std::int64_t now_ns, double drift) {
  const std::int64_t stayed_ns = static_cast<std::int64_t>(std::floor(drift)) - kSlackNs;
  const std::int64_t settled_hi = near_.hi_floor_ns - 1 + stayed_ns;
  const std::int64_t settled_lo = near_.lo_ceil_ns + 1 - stayed_ns;
  std::size_t kept = 0;
  for (std::size_t k = 0; k < moved_.size(); ++k) {
    const NodeId i = moved_[k];
    const std::uint8_t f = leaf_touched_[i];
    const bool settled = !(f & kHard) && (f & kUpAtScan) && moved_up_[k] && leaves_[i].slew_until_ns <= now_ns;
    if (!settled) {
      moved_[kept++] = i;
      continue;
    }
    leaf_touched_[i] &= static_cast<std::uint8_t>(~kMoved);
    const std::int64_t v = moved_offset_ns_[k];
    if (!(f & kNear) && (v > settled_hi || v < settled_lo)) {
      leaf_touched_[i] |= kNear;
      near_nodes_.push_back(i);
    }
  }
  moved_.resize(kept);
}

OffsetTournament::Extremes OffsetTournament::query(Time t, NodeId exclude) {
  const std::int64_t now_ns = t.ns();
  if (++stamp_ == 0) {  // wrapped: no leaf may look read at the new stamp
    for (Leaf& leaf : leaves_) leaf.cache_stamp = leaf.refreshed_stamp = 0;
    stamp_ = 1;
  }
  // Keeping the tree costs at least log N re-comparisons (each with its certificate and a queue
  // move) per changed node, and more when certificates expire; a scan costs N plain readings
  // per query. Over each window of queries, the cheaper of the two at the window's rate of
  // changes per query is used for the next window. Leaving scans for the tree costs one
  // rebuild, O(N), which the window pays for.
  ++window_queries_;
  window_touches_ += touched_.size();
  if (window_queries_ == kWindow) {
    // What a scan costs is what the last window of scans read (a near set reads far fewer than N).
    if (scan_mode_) scan_readings_ = static_cast<double>(readings_ - window_readings_) / kWindow;
    const double levels = static_cast<double>(dirty_by_level_.size() - 1);
    scan_mode_ = static_cast<double>(window_queries_) * scan_readings_ <
                 kScanWeight * static_cast<double>(window_touches_) * levels;
    window_queries_ = 0;
    window_touches_ = 0;
    window_readings_ = readings_;
  }
  if (scan_mode_) return scan(exclude, now_ns);
  if (stale_) {
    stale_ = false;
    touch_all();
  }
  for (NodeId i : touched_) {
    leaf_touched_[i] &= static_cast<std::uint8_t>(~kTouched);
    refresh_leaf(i);
  }
  touched_.clear();
  take_expired(now_ns);
  // Children before parents: level by level, deepest first (nodes of one level do not depend on
  // each other).
  for (std::size_t level = dirty_by_level_.size(); level-- > 0;) {
    for (const std::uint32_t k : dirty_by_level_[level]) {
      const std::uint8_t dirs = dirty_[k];
      dirty_[k] = 0;
      if (const std::uint8_t up = recompute(k, dirs, now_ns); up && k > 1) mark(k / 2, up);
    }
    dirty_by_level_[level].clear();
  }

  Extremes out;
  out.rate_bound_ppm = rate_max_[1];
  if (exclude >= n_ || !leaves_[exclude].present) {
    const std::uint32_t hi = inner_[1].win[kMax], lo = inner_[1].win[kMin];
    out.count = present_;
    if (hi != kNone) out.hi_ns = value(hi);
    if (lo != kNone) out.lo_ns = value(lo);
    return out;
  }
  // Everything but `exclude`: the winners of the subtrees hanging off its path to the root.
  std::int64_t hi = std::numeric_limits<std::int64_t>::min(), lo = std::numeric_limits<std::int64_t>::max();
  for (std::uint32_t k = width_ + exclude; k > 1; k /= 2) {
    const std::uint32_t sibling = k ^ 1;
    if (const std::uint32_t w = winner(kMax, sibling); w != kNone) hi = std::max(hi, value(w));
    if (const std::uint32_t w = winner(kMin, sibling); w != kNone) lo = std::min(lo, value(w));
  }
  out.count = present_ - 1;
  if (out.count > 0) {
    out.hi_ns = hi;
    out.lo_ns = lo;
  }
  return out;
}

}  // namespace clocksim::sim
