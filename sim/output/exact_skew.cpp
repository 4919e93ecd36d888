#include "sim/output/exact_skew.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>

#include "sim/world/node_params.hpp"

namespace clocksim::sim {

ExactSkewChecker::ExactSkewChecker(const scenario::ScenarioSpec& spec, const TickView& view, const SkewBound* bound,
                                   RunAnalysis& analysis, ProbeScheduler schedule)
    : spec_(spec), view_(view), bound_(bound), analysis_(analysis), schedule_(std::move(schedule)) {
  slew_ppm_.reserve(spec.nodes.size());
  bool wander = false;
  for (NodeId i = 0; i < spec.nodes.size(); ++i) {
    const ClockParams p = draw_clock_params(spec, i);
    slew_ppm_.push_back(p.max_slew_ppm);
    if (p.wander_ppm_per_sqrt_s > 0) {
      wander = true;
      wander_step_ = p.wander_step;
    }
  }
  if (!wander) wander_step_ = Duration::zero();
}

void ExactSkewChecker::start() {
  if (bound_) {
    for (Time t : bound_->drop_instants()) schedule_(t);
  }
  if (wander_step_ > Duration::zero()) {
    next_wander_probe_ = Time::epoch() + wander_step_;
    schedule_(next_wander_probe_);
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
    // The first change at t: what the view shows, but for `before`, is the left limit.
    left_done_ = true;
    evaluate(t, before, bound_left_);
  }
  if (!right_pending_) {
    right_pending_ = true;
    schedule_(t);
  }
}

void ExactSkewChecker::evaluate(Time t, const std::optional<Special>& special, std::optional<Duration> bound) {
  ++evaluations_;
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
  const NodeId n = view_.node_count();
  for (NodeId i = 0; i < n; ++i) {
    if (i != skip && view_.is_up(i)) take(view_.offset_ns(i));
  }
  if (special && special->up) take(special->offset_ns);
  analysis_.on_instant(t, up >= 2 ? hi - lo : 0, up >= 1 ? abs_max : 0, bound, up >= 1 ? lo : 0, up >= 1 ? hi : 0);
}

void ExactSkewChecker::on_tick(const TickView& view) {
  // The recorder checks the tick against the bound as it is now; a bound that changed at this
  // instant is checked on both sides.
  if (bound_now(view.now()) != bound_left_) changed(view.now(), std::nullopt);
}

void ExactSkewChecker::on_event(Time t, NodeId node, const Note& note) {
  switch (note.kind()) {
    case EventKind::kCrash:
      // The world crashed it before saying so: before, it was up with the reading it still has.
      changed(t, Special{node, view_.offset_ns(node), true});
      return;
    case EventKind::kRestart:
      // Said before it starts: the view still shows the left limit.
      changed(t, std::nullopt);
      return;
    case EventKind::kClockStep: {
      std::int64_t step_ns = 0;
      for (const auto& f : spec_.faults) {
        if (f.kind == scenario::FaultSpec::Kind::kClockStep && f.node == node && f.at.ns() == t.ns()) step_ns += f.step.ns();
      }
      changed(t, Special{node, view_.offset_ns(node) - step_ns, view_.is_up(node)});
      return;
    }
    default:
      if (bound_now(t) != bound_left_) changed(t, std::nullopt);
      return;
  }
}

void ExactSkewChecker::on_clock_adjust(Time t, NodeId node, Duration delta, AdjustMode mode,
                                       CorrectionSource /*source*/) {
  // Called before the clock moves: the view shows the left limit.
  changed(t, std::nullopt);
  const bool at_once = mode == AdjustMode::kStep || slew_ppm_[node] <= 0;
  if (!at_once && delta.ns() != 0) {
    // The slew's end: its slope changes back (a later slew may replace it: a harmless extra look).
    const double span_ns = std::fabs(static_cast<double>(delta.ns())) / (slew_ppm_[node] * 1e-6);
    schedule_(t + Duration::from_ns(static_cast<std::int64_t>(std::ceil(span_ns))));
  }
}

void ExactSkewChecker::on_rate_correction(Time t, NodeId /*node*/, double /*ppm*/) { changed(t, std::nullopt); }

void ExactSkewChecker::on_probe(const TickView& view) {
  const Time t = view.now();
  if (instant_ && *instant_ == t) right_pending_ = false;
  evaluate(t, std::nullopt, bound_now(t));
  if (wander_step_ > Duration::zero() && t >= next_wander_probe_) {
    next_wander_probe_ += wander_step_;
    schedule_(next_wander_probe_);
  }
}

}  // namespace clocksim::sim
