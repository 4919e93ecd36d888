#include "sim/bound/sync_bound_inputs.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "algorithms/berkeley/config.hpp"
#include "algorithms/cristian/cristian.hpp"

namespace clocksim::sim {

namespace {
constexpr double kInf = std::numeric_limits<double>::infinity();

// A static election (named, or implied when none is) never changes masters.
bool holds_elections(const scenario::ScenarioSpec& spec) {
  const std::string& kind = spec.algorithm.election.kind;
  return !kind.empty() && kind != "static";
}

// The most hops a message between two nodes of the full mesh can take. A link cut by a fault
// sends its messages round by the shortest path that is left (sim/network/router.hpp), each hop
// with a latency of its own. On a shortest path v0 ... vd, v0 is adjacent to none of v2 ... vd,
// so d hops need d - 1 links cut: with k cuts, at most k + 1 hops (and n - 1).
std::size_t route_hops_max(const scenario::ScenarioSpec& spec) {
  std::size_t cuts = 0;
  for (const auto& f : spec.faults) cuts += f.kind == scenario::FaultSpec::Kind::kLinkDown ? 1 : 0;
  return std::max<std::size_t>(1, std::min(cuts + 1, spec.nodes.size() - 1));
}
}  // namespace

NodeId static_master(const scenario::ScenarioSpec& spec) {
  const auto& election = spec.algorithm.election;
  if (election.kind == "static" && election.params.get_int("leader") >= 0) {
    return static_cast<NodeId>(election.params.get_int("leader"));
  }
  NodeId lowest = kNoNode;
  for (const auto& n : spec.nodes) lowest = std::min(lowest, n.id);
  return lowest;
}

bool sync_bound_environment(const scenario::ScenarioSpec& spec, NodeId master, SyncBoundEnvironment& env,
                            bounds::NoBound& why, bool disruptions) {
  if (!disruptions && !spec.faults.empty()) {
    why = bounds::NoBound(bounds::NoBoundWhy::kFaults);
    return false;
  }
  if (!disruptions && holds_elections(spec)) {
    why = bounds::NoBound(bounds::NoBoundWhy::kElection);
    return false;
  }
  using Kind = scenario::TopologySpec::Kind;
  // Through disruptions any node may become master: only a full mesh keeps it one hop from all.
  const bool one_hop = spec.topology.kind == Kind::kFullMesh ||
                       (!disruptions && spec.topology.kind == Kind::kStar && spec.topology.hub == master);
  if (!one_hop) {
    why = bounds::NoBound(disruptions ? bounds::NoBoundWhy::kMastersNotOneHop : bounds::NoBoundWhy::kMasterNotOneHop);
    return false;
  }
  const auto& c = spec.clocks;
  double off_lo = kInf, off_hi = -kInf, rho = 0, wander = 0, slew = kInf, slew_max = 0;
  bool any_cannot_slew = false;
  auto take = [&](const scenario::ClockOverride& o) {
    const auto& off = o.initial_offset_ns.value_or(c.initial_offset_ns);
    const auto& drift = o.drift_ppm.value_or(c.drift_ppm);
    const auto& sine = o.sine_amplitude_ppm.value_or(c.sine_amplitude_ppm);
    off_lo = std::min(off_lo, off.lower_bound());
    off_hi = std::max(off_hi, off.upper_bound());
    const double sine_max = std::max(std::fabs(sine.lower_bound()), std::fabs(sine.upper_bound()));
    rho = std::max(rho, std::max(std::fabs(drift.lower_bound()), std::fabs(drift.upper_bound())) + sine_max);
    wander = std::max(wander, o.wander_ppm_per_sqrt_s.value_or(c.wander_ppm_per_sqrt_s));
    // A clock that cannot slew (max_slew_ppm: 0) applies every correction at once, as a step:
    // the segment lemma covers it, and only the clocks that do slew set how long slews last.
    const double rate = o.max_slew_ppm.value_or(c.max_slew_ppm);
    if (rate <= 0) {
      any_cannot_slew = true;
    } else {
      slew = std::min(slew, rate);
    }
    slew_max = std::max(slew_max, rate);
  };
  take(scenario::ClockOverride{});
  for (const auto& n : spec.nodes) take(n.clock);
  if (!std::isfinite(off_hi - off_lo) || !std::isfinite(rho)) {
    why = bounds::NoBound(bounds::NoBoundWhy::kUnboundedClocks);
    return false;
  }
  double lat_lo = kInf, lat_hi = 0;
  auto take_link = [&](const scenario::LinkModel& m) {
    const double a = m.max_abs_asymmetry();
    lat_lo = std::min(lat_lo, m.latency_ns.lower_bound() * (1 - a));
    lat_hi = std::max(lat_hi, m.latency_ns.upper_bound() * (1 + a));
    return m.loss <= 0;
  };
  bool lossless = take_link(spec.links.defaults);
  for (const auto& o : spec.links.overrides) lossless = take_link(o.model) && lossless;
  env.lossy = !lossless;
  if (!lossless && !disruptions) {
    why = bounds::NoBound(bounds::NoBoundWhy::kMessageLoss);
    return false;
  }
  if (!std::isfinite(lat_hi)) {
    why = bounds::NoBound(bounds::NoBoundWhy::kUnboundedLatency);
    return false;
  }
  env.rho_ppm = rho;
  env.wander_ppm_per_sqrt_s = wander;
  env.initial_spread_s = (off_hi - off_lo) * 1e-9;
  env.all_steps = !std::isfinite(slew);
  env.slew_ppm = env.all_steps ? 0.0 : slew;
  env.uniform_slew = !any_cannot_slew && slew == slew_max;
  env.clock_resolution_s = c.resolution.seconds();
  env.latency_min_s = std::max(0.0, lat_lo) * 1e-9;
  env.latency_max_s = lat_hi * 1e-9 * static_cast<double>(route_hops_max(spec));
  return true;
}

bool has_disruptions(const scenario::ScenarioSpec& spec) {
  if (!spec.faults.empty() || holds_elections(spec)) return true;
  if (spec.links.defaults.loss > 0) return true;
  for (const auto& o : spec.links.overrides) {
    if (o.model.loss > 0) return true;
  }
  return false;
}

BerkeleyInputOrWhy berkeley_bound_input(const scenario::ScenarioSpec& spec) {
  const berkeley::BerkeleyConfig cfg = berkeley::berkeley_config(spec.algorithm.sync.params);
  SyncBoundEnvironment env;
  bounds::NoBound why;
  const bool disruptions = has_disruptions(spec);
  if (!sync_bound_environment(spec, static_master(spec), env, why, disruptions)) return why;
  if (disruptions && cfg.rate_correction) {
    return bounds::NoBound(bounds::NoBoundWhy::kRateCorrectionAcrossMasters);
  }
  if (!cfg.trusted.empty()) {
    // A master some slaves do not trust is refused (and told to QUIT): it corrects only some
    // clocks, or none once it steps down.
    const NodeId fixed = static_master(spec);
    for (const auto& n : spec.nodes) {
      const bool may_lead = holds_elections(spec) ? n.can_be_master : n.id == fixed;
      if (may_lead && !cfg.trusts(n.id)) {
        bounds::NoBound why(bounds::NoBoundWhy::kUntrustedMaster);
        why.node = n.name;
        return why;
      }
    }
  }
  bounds::BerkeleyBoundInput in;
  in.nodes = static_cast<int>(spec.nodes.size());
  in.rho_ppm = env.rho_ppm;
  in.wander_ppm_per_sqrt_s = env.wander_ppm_per_sqrt_s;
  in.horizon_s = spec.duration.seconds();
  in.period_s = cfg.period.seconds();
  in.first_round_delay_s = cfg.first_round_delay.seconds();
  in.latency_min_s = env.latency_min_s;
  in.latency_max_s = env.latency_max_s;
  in.probes = static_cast<int>(cfg.probes);
  in.good_replies = static_cast<int>(cfg.good_replies);
  in.probe_timeout_s = cfg.probe_timeout.seconds();
  in.measure_cap_s = cfg.measure_cap.seconds();
  in.estimator = !cfg.round_trip_compensation ? bounds::Estimator::kNaive
                 : cfg.measurement == berkeley::MeasurementMethod::kCristian ? bounds::Estimator::kCristianMinRtt
                                                                              : bounds::Estimator::kTimedMinFilter;
  in.slew_ppm = env.slew_ppm;
  in.uniform_slew = env.uniform_slew;
  in.step_threshold_s = env.all_steps ? 0.0 : cfg.step_threshold.seconds();
  in.quantum_s = cfg.quantum.seconds();
  in.resolution_s = cfg.resolution.seconds();
  in.clock_resolution_s = env.clock_resolution_s;
  in.initial_spread_s = env.initial_spread_s;
  in.settime_threshold_s = cfg.settime_threshold.seconds();
  in.rate_correction = cfg.rate_correction;
  in.rate_window = static_cast<int>(cfg.rate_window);
  in.max_rate_correction_ppm = cfg.max_rate_correction_ppm;
  in.ack_timeout_s = cfg.ack_timeout.seconds();
  in.ack_tries = static_cast<int>(cfg.ack_tries);
  in.lost_host_rounds = static_cast<int>(cfg.lost_host_rounds);
  if (disruptions) {
    in.epochs = true;
    // A crashed or cut-off slave makes its measurement run the timeout schedule.
    int silent = 0;
    for (const auto& f : spec.faults) {
      using K = scenario::FaultSpec::Kind;
      if (f.kind == K::kCrash || f.kind == K::kLinkDown) ++silent;
      if (f.kind == K::kPartition && !f.groups.empty()) {
        // The master is cut off from everyone outside its own group, the smallest at worst.
        std::size_t smallest = f.groups.front().size();
        for (const auto& g : f.groups) smallest = std::min(smallest, g.size());
        silent += in.nodes - static_cast<int>(smallest);
      }
    }
    // Under loss any probe may time out: every slave may cost the whole schedule.
    in.unresponsive_slaves = env.lossy ? in.nodes - 1 : std::min(silent, in.nodes - 1);
    // acksend: sends at 0, w, 3w, 7w, ... (w doubling), the last arriving d_max after it; read
    // on the master's clock, which may run slow by rho plus its own slew.
    double waits_s = 0;
    for (std::int64_t k = 0; k + 1 < cfg.ack_tries; ++k) waits_s += cfg.ack_timeout.seconds() * std::ldexp(1.0, static_cast<int>(k));
    in.retry_span_s = waits_s / (1 - env.rho_ppm * 1e-6 - env.slew_ppm * 1e-6) + env.latency_max_s;
  }
  return in;
}

CristianInputOrWhy cristian_bound_input(const scenario::ScenarioSpec& spec) {
  const cristian::CristianConfig cfg = cristian::cristian_config(spec.algorithm.sync.params);
  SyncBoundEnvironment env;
  bounds::NoBound why;
  if (!sync_bound_environment(spec, static_master(spec), env, why, false)) return why;
  bounds::CristianBoundInput in;
  in.nodes = static_cast<int>(spec.nodes.size());
  // Wander: the same probabilistic rate envelope as Berkeley's (docs/bounds.md §4.7).
  in.rho_ppm = env.rho_ppm + bounds::wander_envelope_ppm(env.wander_ppm_per_sqrt_s, spec.duration.seconds());
  in.period_s = cfg.period.seconds();
  in.latency_min_s = env.latency_min_s;
  in.latency_max_s = env.latency_max_s;
  in.probes = static_cast<int>(cfg.probes);
  in.probe_timeout_s = cfg.probe_timeout.seconds();
  in.slew_ppm = env.slew_ppm;
  in.step_threshold_s = env.all_steps ? 0.0 : cfg.step_threshold.seconds();
  in.clock_resolution_s = env.clock_resolution_s;
  in.initial_spread_s = env.initial_spread_s;
  return in;
}

}  // namespace clocksim::sim
