#include "sim/output/exact_skew.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>

#include "sim/world/node_params.hpp"

namespace clocksim::sim {
namespace {

// |delta| added to a sum of jumps, saturating: a bound that overflows is simply never met.
std::int64_t checked_add_abs(std::int64_t sum, std::int64_t delta) {
  const std::int64_t a = delta == std::numeric_limits<std::int64_t>::min() ? std::numeric_limits<std::int64_t>::max()
                                                                           : (delta < 0 ? -delta : delta);
  return sum > std::numeric_limits<std::int64_t>::max() / 4 - a ? std::numeric_limits<std::int64_t>::max() / 4 : sum + a;
}

}  // namespace

ExactSkewChecker::ExactSkewChecker(const scenario::ScenarioSpec& spec, const TickView& view, const SkewBound* bound,
                                   RunAnalysis& analysis, ProbeScheduler schedule, bool bound_instants)
    : spec_(spec),
      view_(view),
      bound_(bound),
      analysis_(analysis),
      schedule_(std::move(schedule)),
      bound_instants_(bound_instants) {
  std::vector<double> slew_ppm, extra_rate_ppm, sine_ppm;
  slew_ppm.reserve(spec.nodes.size());
  extra_rate_ppm.reserve(spec.nodes.size());
  sine_ppm.reserve(spec.nodes.size());
  bool wander = false;
  for (NodeId i = 0; i < spec.nodes.size(); ++i) {
    const ClockParams p = draw_clock_params(spec, i);
    slew_ppm.push_back(p.max_slew_ppm);
    extra_rate_ppm.push_back(std::max(0.0, p.max_slew_ppm) + std::fabs(p.sine_amplitude_ppm));
    sine_ppm.push_back(std::fabs(p.sine_amplitude_ppm));
    if (p.wander_ppm_per_sqrt_s > 0) {
      wander = true;
      wander_step_ = p.wander_step;
    }
  }
  if (!wander) wander_step_ = Duration::zero();
  if (bound_instants_) tournament_.emplace(view_, std::move(sine_ppm), slew_ppm);
  slew_ppm_ = PerNodeValues<double>(std::move(slew_ppm));
  extra_rate_ppm_ = PerNodeValues<double>(std::move(extra_rate_ppm));
}

void ExactSkewChecker::start() {
  if (bound_) {
    for (Time t : bound_->drop_instants()) schedule_(t);
  }
  if (wander_step_ > Duration::zero()) {
    next_wander_probe_ = Time::epoch() + wander_step_;
    schedule_(next_wander_probe_);
  }
  // The edges of the windows the results are taken over: an expectation's `after` and `until`,
  // a scenario's warm-up. Over a window the skew peaks at a breakpoint inside it or at an edge,
  // and an edge is no breakpoint; one at a tick is read there already.
  auto edge = [this](Duration since_start) {
    if (since_start <= Duration::zero() || since_start > spec_.duration || since_start.ns() % spec_.tick.ns() == 0) return;
    schedule_(Time::epoch() + since_start);
  };
  using Kind = scenario::ExpectSpec::Kind;
  for (const scenario::ExpectSpec& e : spec_.expects) {
    if (e.kind != Kind::kMaxSkew && e.kind != Kind::kMaxAbsOffset && e.kind != Kind::kOffset) continue;
    edge(e.after);
    if (e.until) edge(*e.until);
  }
  if (spec_.warmup) edge(*spec_.warmup);
}

void ExactSkewChecker::settle_edges() {
  const std::optional<Time> last = analysis_.last_not_one_master();
  if (!last || last == settle_edges_from_) return;
  settle_edges_from_ = last;
  for (const scenario::ExpectSpec& e : spec_.expects) {
    if (e.outside_failover) schedule_(*last + *e.outside_failover + Duration::from_ns(1));
  }
}

std::optional<Duration> ExactSkewChecker::bound_now(Time t) const {
  return bound_ ? bound_->at(t) : std::nullopt;
}

void ExactSkewChecker::enter(Time t) {
  if (instant_ && *instant_ == t) return;
  instant_ = t;
  bound_left_ = bound_now(t);
  left_done_ = false;
  right_pending_ = false;
}

void ExactSkewChecker::changed(Time t, const std::optional<Special>& before) {
  enter(t);
  if (!left_done_) {
    // The first change at t: what the view shows, but for `before`, is the left limit. The start
    // of the run has none: no interval comes before it, so what the view shows before a change
    // at 0 (a node a fault crashes at 0 s, a clock one steps at 0 s) never held.
    left_done_ = true;
    if (t > Time::epoch()) evaluate(t, before, bound_left_, /*left_limit=*/true);
  }
  if (!right_pending_) {
    right_pending_ = true;
    schedule_(t);
  }
}

bool ExactSkewChecker::can_skip(Time t, std::optional<Duration> bound, bool left_limit) const {
  if (!bound_instants_ || !last_full_ || must_read_ || !std::isfinite(rate_bound_ppm_)) return false;
  // How far any clock can have moved since the last full reading: its rate bound over the time
  // since, the steps seen, and a nanosecond of rounding at each end.
  const double drift_ns = rate_bound_ppm_ * 1e-6 * static_cast<double>((t - last_full_->t).ns());
  if (drift_ns > 1e15) return false;
  // The ceiling without a call into libm (this runs at nearly every instant): truncation rounds
  // toward zero, so only a positive fraction needs one more.
  std::int64_t drift_ceil_ns = static_cast<std::int64_t>(drift_ns);
  if (static_cast<double>(drift_ceil_ns) < drift_ns) ++drift_ceil_ns;
  const std::int64_t move_ns = drift_ceil_ns + jumps_ns_ + 2;
  return !analysis_.instant_could_matter(t, last_full_->skew_ns + 2 * move_ns, last_full_->abs_offset_ns + move_ns, bound,
                                         last_full_->min_offset_ns - move_ns, last_full_->max_offset_ns + move_ns,
                                         last_full_->up_nodes, left_limit);
}

void ExactSkewChecker::evaluate(Time t, const std::optional<Special>& special, std::optional<Duration> bound,
                                bool left_limit) {
  ++evaluations_;
  if (can_skip(t, bound, left_limit)) return;
  ++full_readings_;
  const NodeId skip = special ? special->node : kNoNode;
  std::int64_t hi = std::numeric_limits<std::int64_t>::min(), lo = std::numeric_limits<std::int64_t>::max();
  std::int64_t abs_max = 0;
  std::uint32_t up = 0;
  auto take = [&](std::int64_t o) {
    hi = std::max(hi, o);
    lo = std::min(lo, o);
    abs_max = std::max<std::int64_t>(abs_max, o < 0 ? -o : o);
    ++up;
  };
  double rate_bound_ppm = 0;
  auto take_rate = [&](NodeId i) {
    const std::optional<double> r = view_.clock_rate_ppm(i);
    rate_bound_ppm = std::max(rate_bound_ppm, r ? std::fabs(*r) + extra_rate_ppm_[i] : HUGE_VAL);
  };
  if (tournament_) {
    const OffsetTournament::Extremes x = tournament_->query(t, skip);
    if (x.count > 0) {
      hi = x.hi_ns;
      lo = x.lo_ns;
      abs_max = std::max(x.hi_ns < 0 ? -x.hi_ns : x.hi_ns, x.lo_ns < 0 ? -x.lo_ns : x.lo_ns);
      up = x.count;
    }
    rate_bound_ppm = x.rate_bound_ppm;
  } else {
    const NodeId n = view_.node_count();
    for (NodeId i = 0; i < n; ++i) {
      if (i != skip && view_.is_up(i)) {
        take(view_.offset_ns(i));  // reads the clock first: a lazy wander is brought up to t
        take_rate(i);
      }
    }
  }
  if (special && special->up) take(special->offset_ns);
  const std::int64_t skew = up >= 2 ? hi - lo : 0;
  const std::int64_t abs_offset = up >= 1 ? abs_max : 0;
  const std::int64_t min_offset = up >= 1 ? lo : 0, max_offset = up >= 1 ? hi : 0;
  analysis_.on_instant(t, skew, abs_offset, bound, min_offset, max_offset, up, left_limit);
  last_full_ = Reading{t, skew, abs_offset, min_offset, max_offset, up};
  rate_bound_ppm_ = rate_bound_ppm;
  jumps_ns_ = 0;
  must_read_ = false;
  rate_changed_.clear();
}

std::optional<UpOffsets> ExactSkewChecker::extremes_now(Time t) {
  // Where most clocks changed since the tournament last looked (every client of a star
  // correcting every tick), a plain pass over the clocks is cheaper than its scan.
  if (!tournament_ || !tournament_->cheaper_than_reading_every_clock()) return std::nullopt;
  const OffsetTournament::Extremes x = tournament_->query(t, kNoNode);
  UpOffsets out;
  out.count = x.count;
  out.lo_ns = x.lo_ns;
  out.hi_ns = x.hi_ns;
  return out;
}

void ExactSkewChecker::on_tick(const TickView& view) {
  // The recorder checks the tick against the bound as it is now; a bound that changed at this
  // instant is checked on both sides.
  if (bound_now(view.now()) != bound_left_) changed(view.now(), std::nullopt);
  settle_edges();  // the recorder has told the analysis of this tick's masters
}

void ExactSkewChecker::on_event(Time t, NodeId node, const Note& note) {
  settle_edges();  // the recorder has told the analysis of a role this event changed
  switch (note.kind()) {
    case EventKind::kCrash:
      // The world crashed it before saying so: before, it was up with the reading it still has,
      // and among the correct clocks unless it lied.
      changed(t, Special{node, view_.offset_ns(node), lying_faults_.count(node) == 0});
      touch(node);
      return;
    case EventKind::kRestart:
      // Said before it starts: the view still shows the left limit. The clock that joins was not
      // in the last full reading.
      changed(t, std::nullopt);
      must_read_ = true;
      touch(node);
      return;
    case EventKind::kClockStep: {
      // This step alone: several steps of one clock at one instant are told one by one, each
      // after it is applied, so the clock shows the ones told so far, not all of them.
      const std::int64_t step_ns = note.value_ns.value_or(0);
      changed(t, Special{node, view_.offset_ns(node) - step_ns, view_.is_up(node)});
      jumps_ns_ = checked_add_abs(jumps_ns_, step_ns);
      touch(node);
      return;
    }
    default:
      if (note.what == NoteWhat::kByzantineEnds) {
        if (auto it = lying_faults_.find(node); it != lying_faults_.end() && --it->second == 0) lying_faults_.erase(it);
        // A Byzantine node that turns honest joins the skew again.
        changed(t, std::nullopt);
        must_read_ = true;
        touch(node);
        return;
      }
      if (note.what == NoteWhat::kByzantineStarts) {
        // A node that starts lying leaves the skew, but up to t it was a correct clock: the open
        // interval that ends at t may peak at its end, so the left limit counts it. The world has
        // marked it a liar before saying so. If it already lied, was down, or t is the start of
        // the run (no interval before it), the skew only loses a clock here: no look is needed.
        const bool was_correct = lying_faults_[node]++ == 0 && t > Time::epoch() && view_.node(node).up;
        if (was_correct) changed(t, Special{node, view_.offset_ns(node), true});
        touch(node);
        if (was_correct) return;
      }
      if (bound_now(t) != bound_left_) changed(t, std::nullopt);
      return;
  }
}

void ExactSkewChecker::on_clock_adjust(Time t, NodeId node, Duration delta, AdjustMode mode,
                                       CorrectionSource /*source*/) {
  // Called before the clock moves: the view shows the left limit.
  changed(t, std::nullopt);
  const bool at_once = mode == AdjustMode::kStep || slew_ppm_[node] <= 0;
  if (at_once) jumps_ns_ = checked_add_abs(jumps_ns_, delta.ns());
  if (!at_once && delta.ns() != 0) {
    // The slew's end: its slope changes back (a later slew may replace it: a harmless extra look).
    const double span_ns = std::fabs(static_cast<double>(delta.ns())) / (slew_ppm_[node] * 1e-6);
    // Saturated: a slew too slow to end within int64 nanoseconds runs past the end of the run.
    const Time end = t + Duration::from_ns_rounded(std::ceil(span_ns));
    schedule_(end);
    if (tournament_) tournament_->slewing(node, end, delta.ns() < 0 ? -slew_ppm_[node] : slew_ppm_[node]);
  } else if (!at_once && tournament_) {
    tournament_->slewing(node, t, 0);  // a slew of nothing ends the one in progress
  }
  // A slew keeps the clock within its slope bound (slewing() told the tournament); a step does not.
  if (at_once) touch(node);
}

void ExactSkewChecker::on_rate_correction(Time t, NodeId node, double /*ppm*/) {
  changed(t, std::nullopt);
  // The new rate holds from t on: folded into the bound at the probe after the change.
  rate_changed_.push_back(node);
  touch(node);
}

void ExactSkewChecker::on_node_started(Time /*t*/, NodeId node) { touch(node); }

void ExactSkewChecker::on_probe(const TickView& view) {
  const Time t = view.now();
  if (instant_ && *instant_ == t) right_pending_ = false;
  for (NodeId i : rate_changed_) {
    if (!view_.is_up(i)) continue;
    view_.offset_ns(i);  // brings a lazy wander up to t before the rate is read
    const std::optional<double> r = view_.clock_rate_ppm(i);
    rate_bound_ppm_ = std::max(rate_bound_ppm_, r ? std::fabs(*r) + extra_rate_ppm_[i] : HUGE_VAL);
  }
  rate_changed_.clear();
  const bool wander_step = wander_step_ > Duration::zero() && t >= next_wander_probe_;
  // Every clock's wander rate changes at a wander step: read them all there.
  if (wander_step) {
    must_read_ = true;
    if (tournament_) tournament_->touch_all();
  }
  evaluate(t, std::nullopt, bound_now(t));
  if (wander_step) {
    next_wander_probe_ += wander_step_;
    schedule_(next_wander_probe_);
  }
}

}  // namespace clocksim::sim
