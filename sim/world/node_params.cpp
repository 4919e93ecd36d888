#include "sim/world/node_params.hpp"

#include <cmath>

#include "algorithms/core/rng.hpp"
#include "sim/distributions.hpp"

namespace clocksim::sim {

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
  return p;
}

}  // namespace clocksim::sim
