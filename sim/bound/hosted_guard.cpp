#include "sim/bound/hosted_guard.hpp"

#include <algorithm>
#include <cmath>

#include "algorithms/core/clock_guard.hpp"

namespace clocksim::sim {

namespace {

HostedGuardLimits from_config(const ClockGuardConfig& c) {
  HostedGuardLimits l;
  l.master_correction_s = c.master_max_adjust.seconds();
  l.correction_s = c.panic_threshold.seconds();
  l.window_s = c.panic_threshold.ns() > 0 ? c.panic_window.seconds() : 0;
  l.rate_ppm = c.max_rate_ppm;
  l.min_step_s = c.min_step.seconds();
  return l;
}

bool same(const HostedGuardLimits& a, const HostedGuardLimits& b) {
  return a.master_correction_s == b.master_correction_s && a.correction_s == b.correction_s && a.window_s == b.window_s &&
         a.rate_ppm == b.rate_ppm && a.min_step_s == b.min_step_s;
}

}  // namespace

std::vector<NodeGuardLimits> hosted_guard_limits(const scenario::ScenarioSpec& spec, NodeId leader, bool leader_corrected) {
  std::vector<NodeGuardLimits> all;
  if (spec.host != scenario::NodeHost::kDaemon) return all;
  const bool known = leader < spec.nodes.size();
  // What sim/world/hosted_node.cpp gives each simulated daemon (ScenarioSpec::limits_of).
  auto add = [&](const ClockGuardConfig& config, const std::string& node, bool leads) {
    if (known && leads && !leader_corrected) return;
    const HostedGuardLimits l = from_config(config);
    const bool as_leader = !known || leads;
    for (NodeGuardLimits& seen : all) {
      if (!same(seen.limits, l)) continue;
      if (as_leader && !seen.leader) {
        seen.leader = true;
        if (!node.empty()) seen.node = node;
      }
      return;
    }
    all.push_back({l, node, as_leader});
  };
  if (!known) {
    add(spec.daemon_limits, {}, true);
  } else {
    const bool leader_on_top = !spec.node_limits.contains(leader);
    if (spec.nodes.size() > spec.node_limits.size() + (leader_on_top ? 1 : 0)) add(spec.daemon_limits, {}, false);
    if (leader_on_top) add(spec.daemon_limits, {}, true);
  }
  for (const auto& [id, config] : spec.node_limits) add(config, spec.nodes[id].name, id == leader);
  return all;
}

double guard_correction_limit_s(const HostedGuardLimits& limits) {
  double limit = 0;
  for (const double x : {limits.master_correction_s, limits.correction_s}) {
    if (x > 0) limit = limit > 0 ? std::min(limit, x) : x;
  }
  return limit;
}

bounds::NoBound guard_breaks_bound(const bounds::SkewBound& b, const HostedGuardLimits& limits,
                                   bool masters_correct_themselves, double max_rate_ppm, double smallest_step_s) {
  if (limits.min_step_s > 0 && smallest_step_s < limits.min_step_s) {
    // The guard slews a step below min_step: a correction the bound takes as done at once would
    // still be under way, for as long as the clock's slew rate takes.
    bounds::NoBound why(bounds::NoBoundWhy::kGuardSlewsSteps);
    why.amount_s = smallest_step_s;
    why.limit_s = limits.min_step_s;
    return why;
  }
  const double largest_s = std::max(b.correction_first, b.correction_steady);
  const double own_limit_s = masters_correct_themselves ? guard_correction_limit_s(limits) : limits.correction_s;
  if (own_limit_s > 0 && !(largest_s < own_limit_s)) {
    bounds::NoBound why(bounds::NoBoundWhy::kGuardRefusesCorrection);
    why.amount_s = largest_s;
    why.limit_s = own_limit_s;
    return why;
  }
  if (limits.window_s > 0 && limits.correction_s > 0) {
    // Every clock is corrected at most once a round (rounds at least cycle_min apart): the first
    // round's correction, and at most the steady one in every other round of the window.
    const double rounds = std::floor(limits.window_s / b.cycle_min) + 1;
    // A frequency correction's movement counts too, ahead to the end of a slice (1/64 of the
    // window) and with the guard's 0.1 % margin: in any window, at most the largest rate for a
    // window and a slice.
    const double rate_s = max_rate_ppm * 1e-6 * limits.window_s * (1.0 + 1.0 / 64) * 1.001;
    const double sum_s = b.correction_first + rounds * b.correction_steady + rate_s;
    if (!(sum_s < limits.correction_s)) {
      bounds::NoBound why(bounds::NoBoundWhy::kGuardRefusesCorrectionSum);
      why.amount_s = sum_s;
      why.window_s = limits.window_s;
      why.limit_s = limits.correction_s;
      return why;
    }
  }
  if (max_rate_ppm > limits.rate_ppm) {
    bounds::NoBound why(bounds::NoBoundWhy::kGuardClampsRate);
    why.rate_ppm = max_rate_ppm;
    why.rate_limit_ppm = limits.rate_ppm;
    return why;
  }
  return {};
}

bounds::NoBound guard_breaks_bound(const bounds::SkewBound& b, const std::vector<NodeGuardLimits>& limits,
                                   bool masters_correct_themselves, double max_rate_ppm, double smallest_step_s) {
  for (const NodeGuardLimits& l : limits) {
    bounds::NoBound why = guard_breaks_bound(b, l.limits, masters_correct_themselves && l.leader, max_rate_ppm, smallest_step_s);
    if (why) {
      why.node = l.node;
      return why;
    }
  }
  return {};
}

}  // namespace clocksim::sim
