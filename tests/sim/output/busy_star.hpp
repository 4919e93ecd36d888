// A Cristian star busy with everything the exact checker and the per-tick pass must get right:
// crashes and restarts, clock steps of either sign, a two-faced liar that turns honest again.
#pragma once

#include <string>

namespace clocksim::sim::testing {

struct BusyStar {
  int seed = 1;
  int duration_s = 120;
  std::string tick = "1s";
  int clients = 400;
  std::string clock_lines;  // YAML lines under clocks:, each ending in a newline
  std::string period = "1s";
  int liar = 7, liar_from_s = 40, liar_until_s = 90;
  // `faults` rounds, `fault_every_s` apart from `first_fault_s`: a crash of 4-5 s and, 2-3 s in,
  // a step of `step_us` (growing by `step_grow_us`, alternating in sign).
  int faults = 12, first_fault_s = 20, fault_every_s = 8;
  int crash_first = 11, crash_stride = 31, step_first = 13, step_stride = 29;
  int crash_s = 5, step_after_s = 3;
  int step_us = 200, step_grow_us = 150;
  std::string expect_lines;  // YAML list items under expect:, each ending in a newline
};

inline std::string busy_star_yaml(const BusyStar& b) {
  auto n = [](int v) { return std::to_string(v); };
  std::string yaml = "name: busy-star\nseed: " + n(b.seed) + "\nduration: " + n(b.duration_s) + "s\ntick: " + b.tick +
                     "\nnodes: " + n(b.clients + 1) + "\nclocks:\n" + b.clock_lines +
                     "topology: star\nlinks:\n  latency: uniform(1ms, 3ms)\nalgorithm:\n  sync: {kind: cristian, period: " +
                     b.period + ", probes: 1}\n  election: {kind: static, leader: 0}\nfaults:\n";
  yaml += "  - {at: " + n(b.liar_from_s) + "s, byzantine: {node: n" + n(b.liar) +
          ", mode: two_faced, lie: 3ms, told_behind: [n0]}, until: " + n(b.liar_until_s) + "s}\n";
  for (int k = 0; k < b.faults; ++k) {
    const int at = b.first_fault_s + b.fault_every_s * k;
    yaml += "  - {at: " + n(at) + "s, crash: n" + n(b.crash_first + b.crash_stride * k) + ", until: " + n(at + b.crash_s) +
            "s}\n";
    yaml += "  - {at: " + n(at + b.step_after_s) + "s, clock_step: {node: n" + n(b.step_first + b.step_stride * k) +
            ", by: " + (k % 2 ? "-" : "") + n(b.step_us + b.step_grow_us * k) + "us}}\n";
  }
  if (!b.expect_lines.empty()) yaml += "expect:\n" + b.expect_lines;
  return yaml;
}

}  // namespace clocksim::sim::testing
