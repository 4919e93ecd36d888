#include "sim/world/node_params.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "algorithms/core/rng.hpp"
#include "algorithms/core/number_text.hpp"
#include "sim/distributions.hpp"
#include "sim/scenario/error.hpp"

namespace clocksim::sim {

namespace {

// The loader checks rates that are bounded; a draw from an unbounded distribution (a normal
// drift), or a node's overrides combined with the cluster's rates, are checked here, where the
// node's values are known. A clock that could stand still is an error in the scenario.
void check_rate_room(const scenario::ScenarioSpec& spec, NodeId id, const ClockParams& p) {
  const double room_ppm = rate_room_ppm(p);
  if (std::fabs(p.drift_ppm) <= room_ppm) return;
  // At the node's own rate keys if it has some, else at the cluster's `clocks`.
  const scenario::ClockOverride& o = spec.nodes[id].clock;
  const bool own = !o.rates_key.empty();
  const scenario::SourceLocation& at = own ? o.rates_where : spec.clocks.where;
  const std::string file = at.file.empty() ? spec.source_file : at.file;
  throw scenario::ScenarioError(
      file, at.line, at.column, own ? o.rates_key : "clocks.drift_ppm",
      "node " + spec.nodes[id].name + "'s clock can stand still or run backwards: its drift_ppm " + number_text(p.drift_ppm) +
          " (as drawn for it), |sine_amplitude_ppm| " + number_text(std::fabs(p.sine_amplitude_ppm)) + " and max_slew_ppm " +
          number_text(std::max(0.0, p.max_slew_ppm)) + " can add up to 1000000 ppm or more; keep their sum below 999999 " +
          "(a drift distribution without bounds, e.g. normal(0, 50), must not reach that far)");
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
  p.initial_offset = Duration::from_ns(std::llround(offset_ns));
  p.drift_ppm = sample(o.drift_ppm.value_or(c.drift_ppm), rng);
  p.sine_amplitude_ppm = sample(o.sine_amplitude_ppm.value_or(c.sine_amplitude_ppm), rng);
  p.wander_ppm_per_sqrt_s = o.wander_ppm_per_sqrt_s.value_or(c.wander_ppm_per_sqrt_s);
  p.sine_period = c.sine_period;
  p.max_slew_ppm = o.max_slew_ppm.value_or(c.max_slew_ppm);
  p.resolution = c.resolution;
  p.seed = derive_seed(derive_seed(spec.seed, "wander"), static_cast<std::uint64_t>(id));
  check_rate_room(spec, id, p);
  return p;
}

}  // namespace clocksim::sim
