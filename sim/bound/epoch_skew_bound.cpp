#include "sim/bound/epoch_skew_bound.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstdlib>
#include <sstream>

#include "algorithms/core/c_locale_stream.hpp"
#include "sim/bound/no_bound_text.hpp"
#include "sim/bound/saturated_ns.hpp"

namespace clocksim::sim {

namespace {
// Every up node follows exactly one master (a slave that knows no master yet accepts anyone's
// corrections, as Berkeley::on_adjust does).
bool one_master_followed(const TickView& view, NodeId& master) {
  master = kNoNode;
  const NodeId n = view.node_count();
  for (NodeId i = 0; i < n; ++i) {
    const NodeSnapshot s = view.node(i);
    if (!s.up || s.role != Role::kMaster) continue;
    if (master != kNoNode) return false;
    master = i;
  }
  if (master == kNoNode) return false;
  for (NodeId i = 0; i < n; ++i) {
    if (i == master) continue;
    const NodeSnapshot s = view.node(i);
    if (!s.up) continue;
    if (s.role != Role::kSlave || (s.believed_master != master && s.believed_master != kNoNode)) return false;
  }
  return true;
}
}  // namespace

EpochSkewBound::EpochSkewBound(bounds::BerkeleyBoundInput input, const scenario::ScenarioSpec& spec, bool lossy)
    : input_(input), worst_(bounds::berkeley_skew_bound(input)),
      worst_settime_(bounds::berkeley_skew_bound([&input] {
        bounds::BerkeleyBoundInput wide = input;
        wide.settime_error = true;
        return wide;
      }())),
      drift_(2 * worst_.rho),
      retry_span_(ceil_ns(input.retry_span_s * 1e9)),
      lossy_(lossy), slew_rate_(input.slew_ppm * 1e-6),
      in_flight_(ceil_ns((worst_.apply_window + input.retry_span_s) * 1e9)) {
  b_ = &steady(0);
  assert(lossy_ || b_->valid);
  nodes_.resize(static_cast<std::size_t>(std::max(0, input.nodes)));
  watched_.resize(nodes_.size(), 0);
  for (const auto& f : spec.faults) {
    if (f.kind == scenario::FaultSpec::Kind::kClockStep) {
      steps_.push_back({f.at.ns(), f.node, std::fabs(f.step.seconds())});
    }
  }
  // Until the first master has run a full round, nothing is known but the initial spread.
  hull_ = Hull{Time::epoch(), input.initial_spread_s};
}

bool EpochSkewBound::usable(const bounds::BerkeleyBoundInput& input, bool lossy, bounds::NoBound& why) {
  if (lossy) {
    const bounds::SkewBound w = bounds::berkeley_skew_bound(input);
    const bool ok = std::isfinite(w.round_growth) && w.round_growth > 0 && std::isfinite(w.k_new) && w.rho > 0;
    if (!ok) why = w.no_bound ? w.no_bound : bounds::NoBound(bounds::NoBoundWhy::kNoFiniteGrowth);
    return ok;
  }
  bounds::BerkeleyBoundInput all_up = input;
  all_up.unresponsive_slaves = 0;
  const bounds::SkewBound b = bounds::berkeley_skew_bound(all_up);
  if (!b.valid) why = b.no_bound;
  return b.valid;
}

const bounds::SkewBound& EpochSkewBound::steady(std::uint32_t down) {
  const auto k = std::min<std::uint32_t>(down, static_cast<std::uint32_t>(std::max(0, input_.nodes - 1)));
  auto it = steady_by_down_.find(k);
  if (it == steady_by_down_.end()) {
    bounds::BerkeleyBoundInput in = input_;
    in.unresponsive_slaves = static_cast<int>(k);
    it = steady_by_down_.emplace(k, bounds::berkeley_skew_bound(in)).first;  // std::map: stable references
  }
  return it->second;
}

void EpochSkewBound::set_down_count(std::uint32_t down) {
  down_count_ = down;
  b_ = &steady(down);
}

double EpochSkewBound::value_s(const Hull& h, Time t) const {
  return h.spread_s + drift_ * std::max(0.0, (t - h.since).seconds());
}

void EpochSkewBound::grow(Hull& h, Time t, bool set_time) const {
  h = Hull{t, (set_time ? worst_settime_ : worst_).grow(value_s(h, t))};
}

bool EpochSkewBound::round_set_time(NodeId master, Time t) const {
  const auto sent = sends_.find(master);
  return sent != sends_.end() && sent->second.at_ns == t.ns() && sent->second.set_time;
}

bool EpochSkewBound::round_measured_all_up(NodeId master, Time t) const {
  const auto sent = sends_.find(master);
  if (sent == sends_.end() || sent->second.at_ns != t.ns()) return false;
  const std::vector<NodeId>& to = sent->second.to;
  for (NodeId i = 0; i < nodes_.size(); ++i) {
    if (i == master || !nodes_[i].up) continue;
    if (std::find(to.begin(), to.end(), i) == to.end()) return false;
  }
  return true;
}

bool EpochSkewBound::round_left_out_up_node(NodeId master, Time t) const {
  const auto sent = sends_.find(master);
  const bool sent_now = sent != sends_.end() && sent->second.at_ns == t.ns();
  for (NodeId i = 0; i < nodes_.size(); ++i) {
    if (i == master || !nodes_[i].up) continue;
    if (!sent_now || std::find(sent->second.to.begin(), sent->second.to.end(), i) == sent->second.to.end()) return true;
  }
  return false;
}

double EpochSkewBound::corners_s(Time t) const {
  const double up = stable_ ? b_->steady_corners : value_s(hull_, t);
  return down_ ? std::max(up, value_s(*down_, t)) : up;
}

Time EpochSkewBound::slew_end(const Adjust& a, Time t) const {
  if (!a.slew || slew_rate_ <= 0) return t;
  return t + ceil_ns(a.size_s / slew_rate_ * 1e9);
}

bool EpochSkewBound::older_slew_ran_into(NodeId master, Time completed) const {
  // The round began at most T_meas before it completed, and after the master's previous one.
  Time start = Time::from_ns(
      std::max<std::int64_t>(0, floor_ns((completed.seconds() - worst_.t_meas) * 1e9).ns()));
  // The completion at `completed` itself may already be recorded: the one before it bounds the
  // start, else the window would be empty and no slew could ever be found running in it.
  std::int64_t prev = -1;
  if (master < nodes_.size()) {
    const NodeState& m = nodes_[master];
    prev = m.last_completion_ns < completed.ns() ? m.last_completion_ns : m.completion_before_ns;
  }
  if (prev >= 0 && prev > start.ns()) start = Time::from_ns(prev);
  for (const NodeState& n : nodes_) {
    if (!n.up) continue;
    // The master's own correction of this round lands as it completes: the one before it counts.
    const Adjust& a = n.last.at_ns < completed.ns() ? n.last : n.before;
    if (a.at_ns >= 0 && slew_end(a, Time::from_ns(a.at_ns)) > start) return true;
  }
  return false;
}

void EpochSkewBound::reset_agreement() {
  agree_since_.reset();
  first_completion_.reset();
  stable_from_.reset();
  full_round_.reset();
}

void EpochSkewBound::disrupt(Time t, double extra_s) {
  if (stable_) {
    // Every clock, down ones included, lies within the corners now; from here only the hull.
    hull_ = Hull{t, corners_s(t)};
    stable_ = false;
    ++disruptions_;
  }
  hull_.spread_s += extra_s;
  if (down_) down_->spread_s += extra_s;
  reset_agreement();
}

EpochSkewBound::OldSlew EpochSkewBound::old_slew(NodeId node, bool corrected, bool new_is_slew, Time landing,
                                                  Time from) const {
  // The slew running before the correction that landed (or, for a master without one, the
  // latest). A new slew replaces its remainder (adjtime); a step does not, so it runs on.
  const NodeState& n = nodes_[node];
  const Adjust& old = corrected ? n.before : n.last;
  OldSlew r;
  if (!old.slew || old.at_ns < 0 || slew_rate_ <= 0) return r;
  const std::int64_t end_ns = old.at_ns + static_cast<std::int64_t>(std::ceil(old.size_s / slew_rate_ * 1e9));
  const bool replaced = corrected && new_is_slew;
  const std::int64_t until_ns = replaced ? std::min(landing.ns(), end_ns) : end_ns;
  const double moving_s = static_cast<double>(until_ns - from.ns()) * 1e-9;
  if (moving_s > 0) r.error_s = std::min(old.size_s, slew_rate_ * moving_s);
  if (!replaced && end_ns > from.ns()) r.runs_until = Time::from_ns(end_ns);
  return r;
}

void EpochSkewBound::note_error(Watch& w, const OldSlew& o) {
  if (o.error_s > w.err1) {
    w.err2 = w.err1;
    w.err1 = o.error_s;
  } else {
    w.err2 = std::max(w.err2, o.error_s);
  }
  if (o.runs_until && *o.runs_until > w.settle) w.settle = *o.runs_until;
}

void EpochSkewBound::cancel_watch() {
  watch_.reset();
  std::fill(watched_.begin(), watched_.end(), 0);
  pending_reset_.reset();
}

void EpochSkewBound::on_message_sent(Time t, NodeId from, NodeId to, const Message& msg) {
  if (msg.type != MsgType::kAdjust && msg.type != MsgType::kSetTime) return;
  RoundSends& r = sends_[from];
  if (r.at_ns != t.ns() || msg.term > r.term) {
    // A new instant, or a newer round than a retransmission that happened to leave at the same
    // instant: only the newest round's corrections describe the round completing now.
    r.at_ns = t.ns();
    r.term = msg.term;
    r.to.clear();
    r.set_time = false;
  }
  if (msg.term == r.term) {
    r.to.push_back(to);
    r.set_time = r.set_time || msg.type == MsgType::kSetTime;
  }
}

void EpochSkewBound::start_watch(Time t, NodeId master) {
  cancel_watch();
  if (master >= nodes_.size() || !nodes_[master].up) return;
  // The corrections it sent as it completed say which round this is and whom it measured. All
  // the up slaves must have been, so that each gets this round's correction and no older one (an
  // older retransmission is stale for a slave this round measured: Berkeley::on_adjust drops it).
  const auto sent = sends_.find(master);
  if (sent == sends_.end() || sent->second.at_ns != t.ns()) return;
  const RoundSends& r = sent->second;
  std::uint32_t expected = 0;
  for (NodeId i = 0; i < nodes_.size(); ++i) {
    if (i == master || !nodes_[i].up) continue;
    if (std::find(r.to.begin(), r.to.end(), i) == r.to.end()) return;  // an up slave not measured
    ++expected;
  }
  Watch w;
  w.master = master;
  w.term = r.term;
  w.completed = t;
  // The round began at most T_meas before it completed, and after the master's previous one.
  const double start_min_s = std::max(t.seconds() - worst_.t_meas, 0.0);
  w.start_min = Time::from_ns(floor_ns(start_min_s * 1e9).ns());
  const std::int64_t prev = nodes_[master].last_completion_ns;
  if (prev >= 0 && prev > w.start_min.ns()) w.start_min = Time::from_ns(prev);
  // A clock stepped by a fault after the round may have begun: some of its measurements saw
  // the clock before the step, so the corrections do not put it on the round's trajectory.
  if (last_injected_step_ && *last_injected_step_ >= w.start_min) return;
  // The master applied its own correction at t (before its sends), or none (it was 0).
  const NodeState& m = nodes_[master];
  const bool own = m.last.at_ns == t.ns() && m.last_source.master == master && m.last_source.term == r.term;
  w.settle = t;
  if (own && m.last.slew && slew_rate_ > 0) {
    w.settle = t + ceil_ns(m.last.size_s / slew_rate_ * 1e9);
  }
  note_error(w, old_slew(master, own, own && m.last.slew, t, w.start_min));
  for (NodeId i = 0; i < nodes_.size(); ++i) {
    if (i != master && nodes_[i].up) watched_[i] = 1;
  }
  w.left = expected;
  watch_ = w;
  finish_watch_if_done();
}

void EpochSkewBound::finish_watch_if_done() {
  if (!watch_ || watch_->left > 0) return;
  const Watch& w = *watch_;
  // Every up clock sits on this round's trajectory once the slews are over: within K of §4.3,
  // plus the drift since the round began, plus what two old slews moved after their measurement.
  const double spread_s = worst_.k_new + drift_ * (w.settle - w.start_min).seconds() + w.err1 + w.err2;
  pending_reset_ = PendingReset{w.settle, spread_s, w.master};
  watch_.reset();
  std::fill(watched_.begin(), watched_.end(), 0);
}

void EpochSkewBound::apply_pending_reset(Time t) {
  if (!pending_reset_ || t < pending_reset_->at) return;
  const PendingReset r = *pending_reset_;
  pending_reset_.reset();
  if (stable_) return;
  // Rounds of other masters that completed recently may still land corrections after r; the
  // hull they were counted in is about to be replaced, so count them on the reset instead.
  Hull reset{r.at, r.spread_s};
  for (const Completion& c : recent_) {
    if (c.master != r.master && c.at + in_flight_ >= r.at) grow(reset, r.at);
  }
  if (reset.spread_s < value_s(hull_, r.at)) {
    hull_ = reset;  // the up clocks; the down ones stay in down_
    ++resets_;
  }
}

void EpochSkewBound::on_clock_adjust(Time t, NodeId node, Duration delta, AdjustMode mode, CorrectionSource source) {
  apply_pending_reset(t);
  if (node >= nodes_.size()) return;
  // Another correction before a pending reset takes effect is not part of that round.
  pending_reset_.reset();
  if (full_round_ && source.master == full_round_->master && source.term == full_round_->term) {
    full_round_->settle = std::max(full_round_->settle, slew_end(Adjust{t.ns(), std::fabs(delta.seconds()), mode == AdjustMode::kSlew}, t));
  }
  NodeState& n = nodes_[node];
  if (mode == AdjustMode::kStep && n.last.slew && n.last.at_ns >= 0 && slew_rate_ > 0) {
    // A step does not cancel a running slew (adjtime keeps it): its remainder moves the clock
    // past both corners of this correction. What a round really moved, observed, not the
    // whole step threshold.
    const double ran_s = static_cast<double>(t.ns() - n.last.at_ns) * 1e-9;
    const double remaining_s = n.last.size_s - slew_rate_ * ran_s;
    if (remaining_s > 0) {
      if (stable_) {
        disrupt(t, remaining_s);
      } else {
        hull_.spread_s += remaining_s;
      }
    }
  }
  n.before = n.last;
  n.last = Adjust{t.ns(), std::fabs(delta.seconds()), mode == AdjustMode::kSlew};
  n.last_source = source;
  if (!watch_) return;
  Watch& w = *watch_;
  // Only the watched round's own correction of a clock it measured counts, whatever the order of
  // arrival: a demoted master's correction still in flight is not this round's.
  const bool of_round = source.master == w.master && source.term == w.term;
  if (node == w.master || watched_[node] != 1 || !of_round) {
    cancel_watch();
    return;
  }
  watched_[node] = 2;
  --w.left;
  note_error(w, old_slew(node, true, mode == AdjustMode::kSlew, t, w.start_min));
  Time end = t;
  if (mode == AdjustMode::kSlew && slew_rate_ > 0) {
    end = t + ceil_ns(std::fabs(delta.seconds()) / slew_rate_ * 1e9);
  }
  if (end > w.settle) w.settle = end;
  finish_watch_if_done();
}

void EpochSkewBound::on_clock_guarded(Time t, NodeId /*node*/) {
  // The hull still covers the clock (a refused correction leaves it where it was, a clipped one
  // between its corners); the steady cycle, the full rounds and their resets assume every
  // correction is carried out as computed, so they are given up for the rest of the run.
  apply_pending_reset(t);
  guarded_ = true;
  cancel_watch();
  stable_from_.reset();
  full_round_.reset();
  disrupt(t, 0);
}

void EpochSkewBound::on_event(Time t, NodeId node, const Note& note) {
  apply_pending_reset(t);
  if (note.what == NoteWhat::kHostDropped && note.peer < nodes_.size() && nodes_[note.peer].up) {
    // An up slave left out of the master's rounds is no longer corrected: not the steady cycle.
    cancel_watch();
    disrupt(t, 0);
    return;
  }
  switch (note.kind()) {
    case EventKind::kRoundComplete: {
      // A SETTIME lands the slave behind by its transit, which no steady cycle allows for
      // unless its largest correction could reach the threshold (then b_ already does).
      const bool set_time = round_set_time(node, t);
      if (set_time && stable_) disrupt(t, 0);
      // The steady cycle corrects every up clock each round. One whose reply came too late (or
      // never: a probe outlived by its round trip) is left on its old trajectory, drifting on,
      // with no host_dropped to say so until lost_host_rounds such rounds have passed, if ever.
      if (stable_ && round_left_out_up_node(node, t)) disrupt(t, 0);
      grow(hull_, t, set_time);
      if (down_) grow(*down_, t, set_time);
      while (!recent_.empty() && recent_.front().at + in_flight_ + in_flight_ < t) recent_.erase(recent_.begin());
      recent_.push_back({t, node});
      if (set_time || guarded_) {
        cancel_watch();
      } else {
        start_watch(t, node);
      }
      if (node < nodes_.size()) {
        nodes_[node].completion_before_ns = nodes_[node].last_completion_ns;
        nodes_[node].last_completion_ns = t.ns();
      }
      if (stable_ || !agree_since_ || node != agreed_master_ || t < *agree_since_ + retry_span_) return;
      // The first completion may end a round that began before the agreement; the round after
      // it began later, so it measured and corrected every up node that is in the master's host
      // table: a full round if that is every up node (and none got a SETTIME).
      if (set_time || guarded_ || !round_measured_all_up(node, t) || older_slew_ran_into(node, t)) {
        stable_from_.reset();
        full_round_.reset();
        first_completion_ = t;  // the next round may be a full one
      } else if (!first_completion_) {
        first_completion_ = t;
      } else if (!stable_from_) {
        const double done_s = b_->full_round_done(value_s(hull_, t));
        if (std::isfinite(done_s)) {
          stable_from_ = t + ceil_ns(done_s * 1e9);
        } else if (const auto sent = sends_.find(node); sent != sends_.end() && sent->second.at_ns == t.ns()) {
          // Its slews may outlast the period in the worst case over this hull; watch the ones it
          // really sends instead (all land within the apply window on lossless links).
          FullRound f{node, sent->second.term, t, t};
          const NodeState& m = nodes_[node];
          if (m.last.at_ns == t.ns() && m.last_source.master == node && m.last_source.term == f.term) {
            f.settle = std::max(f.settle, slew_end(m.last, t));
          }
          full_round_ = f;
        } else {
          first_completion_ = t;  // wait for the next round
        }
      }
      return;
    }
    case EventKind::kCrash:
      cancel_watch();
      if (node < nodes_.size()) nodes_[node].up = false;
      if (down_count_ == 0) down_ = Hull{t, corners_s(t)};
      // A silent slave lengthens the master's rounds: the steady bound for one more down node,
      // which holds for the cycle in progress too (its measurement is only longer).
      set_down_count(down_count_ + 1);
      if (node == agreed_master_ || (stable_ && !b_->valid)) disrupt(t, 0);
      return;
    case EventKind::kRestart: {
      cancel_watch();
      if (node < nodes_.size()) {
        nodes_[node].up = true;
        // A new process, but the kernel's slew (its last correction) runs on: keep it.
      }
      // The hull now covers the restarted clock: the larger of the up clocks' and the down ones'.
      const double spread_s = corners_s(t);
      disrupt(t, 0);
      hull_ = Hull{t, spread_s};
        if (down_count_ > 0) set_down_count(down_count_ - 1);
      if (down_count_ == 0) down_.reset();
      return;
    }
    case EventKind::kLinkDown:
      ++links_cut_;
      disrupt(t, 0);
      return;
    case EventKind::kLinkUp:
      if (links_cut_ > 0) --links_cut_;
      reset_agreement();
      return;
    case EventKind::kPartition:
      partitioned_ = true;
      disrupt(t, 0);
      return;
    case EventKind::kHeal:
      partitioned_ = false;
      reset_agreement();
      return;
    case EventKind::kClockStep: {
      cancel_watch();
      last_injected_step_ = t;
      double size_s = 0;
      for (const auto& s : steps_) {
        if (s.at_ns == t.ns() && s.node == node) size_s += s.size_s;
      }
      disrupt(t, size_s);
      return;
    }
    case EventKind::kElectionStarted:
    case EventKind::kBecameMaster:
    case EventKind::kBecameSlave:
    case EventKind::kConflict:
      disrupt(t, 0);
      return;
    default:
      return;
  }
}

void EpochSkewBound::on_tick(const TickView& view) {
  const Time now = view.now();
  apply_pending_reset(now);
  // Stable: every change of roles comes with an event (became master or slave, crash, ...), so
  // the per-tick scan of every node is only needed while waiting for agreement.
  // Under loss it is never stable: the agreement is not needed either.
  if (stable_ || lossy_) return;
  NodeId master = kNoNode;
  const bool agreed = links_cut_ == 0 && !partitioned_ && one_master_followed(view, master);
  if (!agreed) {
    reset_agreement();
    return;
  }
  if (!agree_since_ || master != agreed_master_) {
    reset_agreement();
    agree_since_ = now;
    agreed_master_ = master;
  }
  if (full_round_ && !stable_from_) {
    const FullRound& f = *full_round_;
    const Time landed = f.completed + ceil_ns(worst_.apply_window * 1e9);
    if (now >= landed) {
      // Every correction of the full round has landed; its slews end at f.settle. The next round
      // must not measure one of them half done: it starts no earlier than L_min after this one.
      const Time settle = std::max(landed, f.settle);
      const double next_start_min_s = f.completed.seconds() - b_->t_meas + b_->cycle_min;
      if (settle.seconds() <= next_start_min_s) {
        stable_from_ = settle;
      } else {
        first_completion_ = f.completed;
      }
      full_round_.reset();
    }
  }
  if (stable_from_ && now >= *stable_from_ && b_->valid && !lossy_) {
    stable_ = true;
    ++stabilizations_;
  }
}

std::optional<Duration> EpochSkewBound::at(Time t) const {
  const double s = stable_ ? b_->steady : value_s(hull_, t);
  if (!std::isfinite(s)) return std::nullopt;
  // Round up: a bound must never fall below the truth by a rounding.
  return ceil_ns(s * 1e9);
}

std::string EpochSkewBound::describe() const {
  CLocaleStream os;
  os << "berkeley worst case through disruptions (docs/bounds.md §7): ";
  if (lossy_) {
    os << "links lose messages, so no steady bound holds; the hull of all clocks grows by 2ρ = " << drift_ * 1e6
       << " ppm and by " << worst_.round_growth * 1e3 << " ms per completed round (T_meas up to "
       << worst_.t_meas * 1e3 << " ms), and shrinks to K = " << worst_.k_new * 1e3
       << " ms + drift since the round began + old slews after every observed full round (every up clock"
          " corrected once by it)";
  } else {
    const bounds::SkewBound& b = steady_by_down_.at(0);
    os << "steady " << b.steady * 1e3
       << " ms (all nodes up) once one master is followed by all and one of its full rounds is applied (K = "
       << b.k_new * 1e3 << " ms, L = " << b.cycle_max << " s, T_meas = " << b.t_meas * 1e3
       << " ms); while disrupted, the hull of all clocks grows by 2ρ = " << drift_ * 1e6 << " ppm and by "
       << worst_.round_growth * 1e3 << " ms per completed round, from the steady corners " << b.steady_corners * 1e3
       << " ms (or the initial spread " << input_.initial_spread_s * 1e3
       << " ms), and shrinks after every observed full round";
  }
  os << bound_caveats_text(worst_);
  return os.str();
}

}  // namespace clocksim::sim
