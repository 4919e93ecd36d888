#include "sim/world/node_params.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "algorithms/core/rng.hpp"
#include "algorithms/core/number_text.hpp"
#include "sim/clock/clock_reach.hpp"
#include "sim/distributions.hpp"
#include "sim/scenario/error.hpp"

namespace clocksim::sim {

namespace {

// A drawn value the scenario must not allow: at the node's own key (`where`, `key`) if it gave
// one, else at the cluster's `clocks` (`cluster_key`).
[[noreturn]] void throw_at_node_key(const scenario::ScenarioSpec& spec, const scenario::SourceLocation& where,
                                    const std::string& key, const char* cluster_key, const std::string& message) {
  const bool own = !key.empty();
  const scenario::SourceLocation& at = own ? where : spec.clocks.where;
  throw scenario::ScenarioError(at.file.empty() ? spec.source_file : at.file, at.line, at.column,
                                own ? key : std::string(cluster_key), message);
}

// The loader checks rates that are bounded; a draw from an unbounded distribution (a normal
// drift), or a node's overrides combined with the cluster's rates, are checked here, where the
// node's values are known. A clock that could stand still is an error in the scenario.
void check_rate_room(const scenario::ScenarioSpec& spec, NodeId id, const ClockParams& p) {
  const double room_ppm = rate_room_ppm(p);
  if (std::fabs(p.drift_ppm) <= room_ppm) return;
  // At the node's own rate keys if it has some, else at the cluster's `clocks`.
  const scenario::ClockOverride& o = spec.nodes[id].clock;
  throw_at_node_key(spec, o.rates_where, o.rates_key, "clocks.drift_ppm",
      "node " + spec.nodes[id].name + "'s clock can stand still or run backwards: its drift_ppm " + number_text(p.drift_ppm) +
          " (as drawn for it), |sine_amplitude_ppm| " + number_text(std::fabs(p.sine_amplitude_ppm)) + " and max_slew_ppm " +
          number_text(std::max(0.0, p.max_slew_ppm)) + " can add up to 1000000 ppm or more; keep their sum below 999999 " +
          "(a drift distribution without bounds, e.g. normal(0, 50), must not reach that far)");
}

// A draw from an unbounded law (a normal or Pareto offset or drift) can leave int64 nanoseconds,
// which the loader, knowing only the laws, cannot rule out: checked here, on the node's values,
// before the offset is converted (a double beyond int64 has no integer value to round to).
void check_clock_reach(const scenario::ScenarioSpec& spec, NodeId id, double offset_ns, const ClockParams& p) {
  double steps_ns = 0;
  for (const scenario::FaultSpec& f : spec.faults) {
    if (f.kind == scenario::FaultSpec::Kind::kClockStep) steps_ns += std::fabs(static_cast<double>(f.step.ns()));
  }
  const double duration_ns = static_cast<double>(spec.duration.ns());
  const double rate_ppm = std::fabs(p.drift_ppm) + std::fabs(p.sine_amplitude_ppm);
  const double reach_ns = clock_reach_ns(offset_ns, rate_ppm, duration_ns, steps_ns);
  if (clock_reach_fits(reach_ns, duration_ns)) return;
  const scenario::ClockOverride& o = spec.nodes[id].clock;
  throw_at_node_key(spec, o.offset_where, o.offset_key, "clocks.initial_offset",
      "node " + spec.nodes[id].name + "'s clock could be off by " +
          (std::isfinite(reach_ns) ? number_text(reach_ns * 1e-9) + " s" : std::string("more than int64 holds")) +
          " (as drawn for it: initial offset " + number_text(offset_ns * 1e-9) + " s, drift_ppm " + number_text(p.drift_ppm) +
          ", sine_amplitude_ppm " + number_text(p.sine_amplitude_ppm) +
          ", over the whole duration, and clock steps); the duration plus three times that must stay within " +
          number_text(kClockRoomNs * 1e-9) + " s, which nanosecond clock arithmetic holds (a law without bounds, "
          "e.g. pareto or normal, must not reach that far)");
}

}  // namespace

ClockParams draw_clock_params(const scenario::ScenarioSpec& spec, NodeId id) {
  const scenario::ClockSpec& c = spec.clocks;
  const scenario::ClockOverride& o = spec.nodes[id].clock;
  // Draw order is fixed (offset, drift, sine amplitude) and each node has its own stream, so an
  // override on one node or one more node never changes another node's clock.
  Rng rng(derive_seed(derive_seed(spec.seed, "clock"), static_cast<std::uint64_t>(id)));
  ClockParams p;
  const double offset_ns = sample(o.initial_offset_ns.value_or(c.initial_offset_ns), rng);
  p.drift_ppm = sample(o.drift_ppm.value_or(c.drift_ppm), rng);
  p.sine_amplitude_ppm = sample(o.sine_amplitude_ppm.value_or(c.sine_amplitude_ppm), rng);
  check_clock_reach(spec, id, offset_ns, p);
  p.initial_offset = Duration::from_ns(std::llround(offset_ns));
  p.wander_ppm_per_sqrt_s = o.wander_ppm_per_sqrt_s.value_or(c.wander_ppm_per_sqrt_s);
  p.sine_period = c.sine_period;
  p.max_slew_ppm = o.max_slew_ppm.value_or(c.max_slew_ppm);
  p.resolution = c.resolution;
  p.seed = derive_seed(derive_seed(spec.seed, "wander"), static_cast<std::uint64_t>(id));
  check_rate_room(spec, id, p);
  return p;
}

}  // namespace clocksim::sim
