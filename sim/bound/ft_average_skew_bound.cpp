#include "sim/bound/ft_average_skew_bound.hpp"

#include <algorithm>
#include <cmath>
#include <set>
#include <sstream>
#include <vector>

#include "algorithms/bounds/ft_average_bound.hpp"
#include "algorithms/core/c_locale_stream.hpp"
#include "algorithms/ftavg/welch_lynch.hpp"
#include "sim/bound/hosted_guard.hpp"
#include "sim/bound/saturated_ns.hpp"
#include "sim/bound/sync_bound_inputs.hpp"

namespace clocksim::sim {
namespace {

class FtAverageSkewBound final : public SkewBound {
 public:
  explicit FtAverageSkewBound(bounds::FtAverageBound b) : b_(std::move(b)) {}
  std::optional<Duration> at(Time t) const override {
    const double s = b_.at(t.seconds());
    if (!std::isfinite(s)) return std::nullopt;
    return ceil_ns(s * 1e9);  // never below the truth
  }
  // at() is linear, or constant, between the instants where its pieces meet: where the first
  // piece's rising line meets one round's spread, at T1, and at every round gap after it while
  // the per-round values still change (they may fall or rise). A skew that peaks between two
  // breakpoints of the clocks is checked where the bound changes only if both sides of the change
  // are instants.
  std::vector<Time> drop_instants() const override {
    std::vector<double> ends_s;
    if (b_.rho > 0) {
      const double kink_s = (b_.first_round_pair - b_.initial_spread - b_.factor * b_.eps) / (2 * b_.rho);
      if (kink_s > 0 && kink_s < b_.first_done) ends_s.push_back(kink_s);
    }
    for (std::size_t j = 0; j < b_.per_round.size(); ++j) {
      ends_s.push_back(b_.first_done + static_cast<double>(j) * b_.round_gap);
    }
    return instants_around(*this, ends_s);
  }
  std::string describe() const override {
    CLocaleStream os;
    os << "welch_lynch worst case (docs/bounds.md §8): max(S0 + 2ρt + ε, one round's spread) until T1 = " << b_.first_done << " s (S0 = "
       << b_.initial_spread * 1e3 << " ms, ρ = " << b_.rho * 1e6 << " ppm, ε = " << b_.eps * 1e3
       << " ms); then per round, converging to " << b_.steady * 1e3 << " ms (K = " << b_.k_round * 1e3
       << " ms, D = " << b_.drift * 1e3 << " ms, G = " << b_.round_gap << " s)";
    return os.str();
  }

 private:
  bounds::FtAverageBound b_;
};

// What clocksyncd's guard judges of a round's corrections (hosted_guard.hpp). A node corrects by
// the trimmed average of its estimates of the others, which the honest ones' offsets bound: at
// most the skew when it reads, plus one estimate's error. Before the first round completes the
// skew is at most S0 + 2ρT1 + ε, after it the largest per-round bound; every round is at least a
// period of the fastest clock apart. Every correction is a step (the model covers no other).
bounds::SkewBound welch_lynch_corrections(const bounds::FtAverageBound& b, const bounds::FtAverageBoundInput& in) {
  double steady = 0;
  for (const double x : b.per_round) steady = std::max(steady, x);
  bounds::SkewBound c;
  c.correction_steady = steady + b.eps;
  c.correction_first = std::max(b.initial_spread + 2 * b.rho * b.first_done + b.eps, steady) + b.eps;
  c.cycle_min = in.period_s / (1 + b.rho);
  return c;
}

}  // namespace

BoundAvailability make_ft_average_skew_bound(const scenario::ScenarioSpec& spec) {
  using K = scenario::FaultSpec::Kind;
  std::set<NodeId> liars;
  for (const auto& f : spec.faults) {
    if (f.kind == K::kByzantine) {
      liars.insert(f.node);
    } else {
      return {nullptr, bounds::NoBound(bounds::NoBoundWhy::kFaultsBesideByzantine)};
    }
  }
  if (!spec.algorithm.election.kind.empty()) return {nullptr, bounds::NoBound(bounds::NoBoundWhy::kElectionWithWelchLynch)};
  // Each round averages every node's reading of every other: the model needs each pair one hop
  // apart (the shared check below would word the same condition for a master).
  if (spec.topology.kind != scenario::TopologySpec::Kind::kFullMesh) {
    return {nullptr, bounds::NoBound(bounds::NoBoundWhy::kPeersNotOneHop)};
  }
  SyncBoundEnvironment env;
  bounds::NoBound why;
  if (!sync_bound_environment(spec, kNoNode, env, why, /*disruptions=*/true)) return {nullptr, why};
  if (env.lossy) return {nullptr, bounds::NoBound(bounds::NoBoundWhy::kMessageLoss)};
  if (env.wander_ppm_per_sqrt_s > 0) return {nullptr, bounds::NoBound(bounds::NoBoundWhy::kRateWander)};
  const ftavg::WelchLynchConfig cfg = ftavg::welch_lynch_config(spec.algorithm.sync.params);
  bounds::FtAverageBoundInput in;
  in.nodes = static_cast<int>(spec.nodes.size());
  in.faults = static_cast<int>(cfg.faults);
  in.mean = cfg.combine == ftavg::Combine::kMean;
  in.liars = static_cast<int>(liars.size());
  in.rho_ppm = env.rho_ppm;
  in.latency_min_s = env.latency_min_s;
  in.latency_max_s = env.latency_max_s;
  in.period_s = cfg.period.seconds();
  in.read_window_s = cfg.read_window.seconds();
  in.step_threshold_s = cfg.step_threshold.seconds();
  in.clock_resolution_s = env.clock_resolution_s;
  in.initial_spread_s = env.initial_spread_s;
  double max_abs = 0;
  auto take = [&](const scenario::ClockOverride& o) {
    const auto& off = o.initial_offset_ns.value_or(spec.clocks.initial_offset_ns);
    max_abs = std::max({max_abs, std::fabs(off.lower_bound()), std::fabs(off.upper_bound())});
  };
  take(scenario::ClockOverride{});
  for (const auto& n : spec.nodes) take(n.clock);
  in.max_abs_initial_offset_s = max_abs * 1e-9;
  bounds::FtAverageBound b = bounds::ft_average_skew_bound(in);
  if (!b.valid) return {nullptr, b.no_bound};
  if (const auto guard = hosted_guard_limits(spec); !guard.empty()) {
    if (auto why = guard_breaks_bound(welch_lynch_corrections(b, in), guard, false, 0, 0)) return {nullptr, why};
  }
  return {std::make_unique<FtAverageSkewBound>(std::move(b)), {}};
}

}  // namespace clocksim::sim
