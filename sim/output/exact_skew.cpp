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

void ExactSkewChecker::note_bound(Time t) { bound_before_ = bound_now(t); }

void ExactSkewChecker::evaluate(Time t, const std::optional<Special>& before, const std::optional<Special>& after) {
  ++evaluations_;
  const NodeId special = before ? before->node : after ? after->node : kNoNode;
  // Every clock but the special one, once: the same at the left limit and at the right value.
  std::int64_t hi = std::numeric_limits<std::int64_t>::min(), lo = std::numeric_limits<std::int64_t>::max();
  std::int64_t abs_max = 0;
  std::uint32_t up = 0;
  const NodeId n = view_.node_count();
  for (NodeId i = 0; i < n; ++i) {
    if (i == special || !view_.is_up(i)) continue;
    const std::int64_t o = view_.offset_ns(i);
    hi = std::max(hi, o);
    lo = std::min(lo, o);
    abs_max = std::max(abs_max, static_cast<std::int64_t>(std::llabs(o)));
    ++up;
  }
  auto report = [&](const std::optional<Special>& s, std::optional<Duration> bound) {
    std::int64_t h = hi, l = lo, a = abs_max;
    std::uint32_t count = up;
    if (s && s->up) {
      h = std::max(h, s->offset_ns);
      l = std::min(l, s->offset_ns);
      a = std::max(a, static_cast<std::int64_t>(std::llabs(s->offset_ns)));
      ++count;
    }
    analysis_.on_instant(t, count >= 2 ? h - l : 0, count >= 1 ? a : 0, bound);
  };
  std::optional<Special> now_special = after;
  if (!now_special && special != kNoNode) {
    now_special = Special{special, view_.offset_ns(special), view_.is_up(special)};
  }
  const std::optional<Duration> bound_after = bound_now(t);
  report(before ? before : now_special, bound_before_);
  report(now_special, bound_after);
  bound_before_ = bound_after;
}

void ExactSkewChecker::on_tick(const TickView& view) {
  // The recorder checks the tick against the bound as it is now; if the bound changed at this
  // tick, the same skew must also be checked against the bound just before.
  const std::optional<Duration> b = bound_now(view.now());
  if (b != bound_before_) evaluate(view.now(), std::nullopt, std::nullopt);
}

void ExactSkewChecker::on_event(Time t, NodeId node, EventKind kind, std::string_view /*detail*/) {
  switch (kind) {
    case EventKind::kCrash:
      // The world crashed it before saying so: before, it was up with the reading it still has.
      evaluate(t, Special{node, view_.offset_ns(node), true}, std::nullopt);
      return;
    case EventKind::kRestart:
      // Said before it starts: down before, up after.
      evaluate(t, Special{node, view_.offset_ns(node), false}, Special{node, view_.offset_ns(node), true});
      return;
    case EventKind::kClockStep: {
      std::int64_t step_ns = 0;
      for (const auto& f : spec_.faults) {
        if (f.kind == scenario::FaultSpec::Kind::kClockStep && f.node == node && f.at.ns() == t.ns()) step_ns += f.step.ns();
      }
      const std::int64_t now = view_.offset_ns(node);
      evaluate(t, Special{node, now - step_ns, view_.is_up(node)}, std::nullopt);
      return;
    }
    default:
      if (bound_now(t) != bound_before_) evaluate(t, std::nullopt, std::nullopt);
      return;
  }
}

void ExactSkewChecker::on_clock_adjust(Time t, NodeId node, Duration delta, AdjustMode mode,
                                       CorrectionSource /*source*/) {
  // Called before the clock moves: the view shows the left limit.
  const std::int64_t before = view_.offset_ns(node);
  const bool at_once = mode == AdjustMode::kStep || slew_ppm(node) <= 0;
  const Special b{node, before, true};
  const Special a{node, at_once ? before + delta.ns() : before, true};
  evaluate(t, b, a);
  if (!at_once && delta.ns() != 0) {
    // The slew's end: its slope changes back (a later slew may replace it: a harmless extra look).
    const double span_ns = std::fabs(static_cast<double>(delta.ns())) / (slew_ppm(node) * 1e-6);
    schedule_(t + Duration::from_ns(static_cast<std::int64_t>(std::ceil(span_ns))));
  }
}

void ExactSkewChecker::on_rate_correction(Time t, NodeId /*node*/, double /*ppm*/) {
  evaluate(t, std::nullopt, std::nullopt);
}

void ExactSkewChecker::on_probe(const TickView& view) {
  bound_before_ = bound_now(view.now());
  evaluate(view.now(), std::nullopt, std::nullopt);
  if (wander_step_ > Duration::zero() && view.now() >= next_wander_probe_) {
    next_wander_probe_ += wander_step_;
    schedule_(next_wander_probe_);
  }
}

}  // namespace clocksim::sim
