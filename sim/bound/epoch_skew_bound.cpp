#include "sim/bound/epoch_skew_bound.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstdlib>
#include <sstream>

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

EpochSkewBound::EpochSkewBound(bounds::BerkeleyBoundInput input, const scenario::ScenarioSpec& spec)
    : input_(input), worst_(bounds::berkeley_skew_bound(input)), drift_(2 * worst_.rho),
      retry_span_(Duration::from_ns(static_cast<std::int64_t>(std::ceil(input.retry_span_s * 1e9)))) {
  steady_by_down_.resize(static_cast<std::size_t>(std::max(1, input.nodes)));
  b_ = &steady(0);
  assert(b_->valid);
  for (const auto& f : spec.faults) {
    if (f.kind == scenario::FaultSpec::Kind::kClockStep) {
      steps_.push_back({f.at.ns(), f.node, std::fabs(f.step.seconds())});
    }
  }
  // Until the first master has run a full round, nothing is known but the initial spread.
  hull_ = Hull{Time::epoch(), input.initial_spread_s, 0};
}

bool EpochSkewBound::usable(const bounds::BerkeleyBoundInput& input, std::string& why) {
  bounds::BerkeleyBoundInput all_up = input;
  all_up.unresponsive_slaves = 0;
  const bounds::SkewBound b = bounds::berkeley_skew_bound(all_up);
  if (!b.valid) why = b.reason;
  return b.valid;
}

const bounds::SkewBound& EpochSkewBound::steady(std::uint32_t down) {
  const std::size_t k = std::min<std::size_t>(down, steady_by_down_.size() - 1);
  auto& slot = steady_by_down_[k];
  if (!slot) {
    bounds::BerkeleyBoundInput in = input_;
    in.unresponsive_slaves = static_cast<int>(k);
    slot = bounds::berkeley_skew_bound(in);
  }
  return *slot;
}

void EpochSkewBound::set_down_count(std::uint32_t down) {
  down_count_ = down;
  b_ = &steady(down);
}

double EpochSkewBound::value_s(const Hull& h, Time t) const {
  return h.spread_s + drift_ * std::max(0.0, (t - h.since).seconds()) + worst_.round_growth * h.rounds;
}

double EpochSkewBound::corners_s(Time t) const {
  const double up = stable_ ? b_->steady_corners : value_s(hull_, t);
  return down_ ? std::max(up, value_s(*down_, t)) : up;
}

void EpochSkewBound::reset_agreement() {
  agree_since_.reset();
  first_completion_.reset();
  stable_from_.reset();
}

void EpochSkewBound::disrupt(Time t, double extra_s) {
  if (stable_) {
    // Every clock, down ones included, lies within the corners now; from here only the hull.
    hull_ = Hull{t, corners_s(t), 0};
    stable_ = false;
    ++disruptions_;
  }
  hull_.spread_s += extra_s;
  if (down_) down_->spread_s += extra_s;
  reset_agreement();
}

void EpochSkewBound::on_event(Time t, NodeId node, EventKind kind, std::string_view /*detail*/) {
  switch (kind) {
    case EventKind::kRoundComplete: {
      ++hull_.rounds;
      if (down_) ++down_->rounds;
      if (stable_ || !agree_since_ || node != agreed_master_ || t < *agree_since_ + retry_span_) return;
      // The first completion may end a round that began before the agreement; the round after
      // it began later, so it measured and corrected every up node: a full round.
      if (!first_completion_) {
        first_completion_ = t;
      } else if (!stable_from_) {
        const double done_s = b_->full_round_done(value_s(hull_, t));
        if (std::isfinite(done_s)) {
          stable_from_ = t + Duration::from_ns(static_cast<std::int64_t>(std::ceil(done_s * 1e9)));
        } else {
          first_completion_ = t;  // its slews may outlast the period: wait for the next round
        }
      }
      return;
    }
    case EventKind::kCrash:
      if (down_count_ == 0) down_ = Hull{t, corners_s(t), 0};
      // A silent slave lengthens the master's rounds: the steady bound for one more down node,
      // which holds for the cycle in progress too (its measurement is only longer).
      set_down_count(down_count_ + 1);
      if (node == agreed_master_ || (stable_ && !b_->valid)) disrupt(t, 0);
      return;
    case EventKind::kRestart:
      disrupt(t, 0);  // the hull now covers the restarted clock
      if (down_count_ > 0) set_down_count(down_count_ - 1);
      if (down_count_ == 0) down_.reset();
      return;
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
  NodeId master = kNoNode;
  const bool agreed = links_cut_ == 0 && !partitioned_ && one_master_followed(view, master);
  if (stable_) {
    // Every change of roles comes with an event; this only guards against one that does not.
    if (!agreed || master != agreed_master_) disrupt(now, 0);
    return;
  }
  if (!agreed) {
    reset_agreement();
    return;
  }
  if (!agree_since_ || master != agreed_master_) {
    reset_agreement();
    agree_since_ = now;
    agreed_master_ = master;
  }
  if (stable_from_ && now >= *stable_from_ && b_->valid) {
    stable_ = true;
    ++stabilizations_;
  }
}

std::optional<Duration> EpochSkewBound::at(Time t) const {
  const double s = stable_ ? b_->steady : value_s(hull_, t);
  if (!std::isfinite(s)) return std::nullopt;
  // Round up: a bound must never fall below the truth by a rounding.
  return Duration::from_ns(static_cast<std::int64_t>(std::ceil(s * 1e9)));
}

std::string EpochSkewBound::describe() const {
  const bounds::SkewBound& b = *steady_by_down_[0];
  std::ostringstream os;
  os << "berkeley worst case through disruptions (docs/bounds.md §7): steady " << b.steady * 1e3
     << " ms (all nodes up) once one master is followed by all and one of its full rounds is applied (K = "
     << b.k_new * 1e3 << " ms, L = " << b.cycle_max << " s, T_meas = " << b.t_meas * 1e3
     << " ms); while disrupted, the hull of all clocks grows by 2ρ = " << drift_ * 1e6 << " ppm and by "
     << worst_.round_growth * 1e3 << " ms per completed round, from the steady corners " << b.steady_corners * 1e3
     << " ms (or the initial spread " << input_.initial_spread_s * 1e3 << " ms)";
  if (b.probabilistic) os << "; " << b.reason;
  return os.str();
}

}  // namespace clocksim::sim
