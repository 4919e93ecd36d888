// Scenario specs built in code for engine tests (no YAML: the loader has its own tests).
#pragma once

#include <string>

#include "algorithms/registry.hpp"
#include "sim/scenario/spec.hpp"

namespace clocksim::sim::testing {

inline scenario::ScenarioSpec drift_only(NodeId n, Duration duration, Duration tick, std::uint64_t seed = 7) {
  scenario::ScenarioSpec s;
  s.name = "drift-only-test";
  s.seed = seed;
  s.duration = duration;
  s.tick = tick;
  for (NodeId i = 0; i < n; ++i) {
    scenario::NodeSpec ns;
    ns.id = i;
    ns.name = "n" + std::to_string(i);
    s.nodes.push_back(ns);
  }
  s.clocks.initial_offset_ns = scenario::Distribution::uniform(-50e6, 50e6);
  s.clocks.drift_ppm = scenario::Distribution::uniform(-100, 100);
  s.links.defaults.latency_ns = scenario::Distribution::uniform(1e6, 5e6);
  s.algorithm.sync.kind = "none";
  return s;
}

}  // namespace clocksim::sim::testing
