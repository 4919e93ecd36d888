#include "sim/scenario/keys.hpp"

namespace clocksim::scenario::keys {
namespace {
std::vector<std::string> concat(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}
}  // namespace

const std::vector<std::string>& top_level() {
  static const std::vector<std::string> k{"name",     "description", "seed",      "host",     "limits",   "duration", "tick",  "warmup", "nodes",
                                          "clocks",   "topology", "links",       "algorithm", "faults",   "expect", "output",
                                          "ordering"};
  return k;
}
const std::vector<std::string>& nodes_mapping() {
  static const std::vector<std::string> k{"count", "overrides"};
  return k;
}
const std::vector<std::string>& clock_override() {
  static const std::vector<std::string> k{"initial_offset", "drift_ppm", "wander_ppm_per_sqrt_s", "sine_amplitude_ppm",
                                          "max_slew_ppm"};
  return k;
}
const std::vector<std::string>& node_entry() {
  static const std::vector<std::string> k = concat({"name", "can_be_master", "servers", "reference_clock", "limits"}, clock_override());
  return k;
}
const std::vector<std::string>& clocks() {
  static const std::vector<std::string> k{"initial_offset",     "drift_ppm",   "wander_ppm_per_sqrt_s",
                                          "sine_amplitude_ppm", "sine_period", "max_slew_ppm",
                                          "resolution"};
  return k;
}
const std::vector<std::string>& topology_kinds() {
  static const std::vector<std::string> k{"full_mesh", "star", "ring", "line", "grid", "erdos_renyi", "barabasi_albert"};
  return k;
}
const std::vector<std::string>& topology_file() {
  static const std::vector<std::string> k{"file"};
  return k;
}
const std::vector<std::string>& links() {
  static const std::vector<std::string> k{"latency", "asymmetry", "loss", "overrides"};
  return k;
}
const std::vector<std::string>& link_override() {
  static const std::vector<std::string> k{"between", "latency", "asymmetry", "loss"};
  return k;
}

const std::vector<std::string>& asymmetry() {
  static const std::vector<std::string> k{"draw", "slow"};
  return k;
}
const std::vector<std::string>& algorithm() {
  static const std::vector<std::string> k{"sync", "election"};
  return k;
}
const std::vector<std::string>& fault_actions() {
  static const std::vector<std::string> k{"crash", "stop", "restart", "link_down", "link_up", "partition", "heal", "clock_step",
                                          "byzantine"};
  return k;
}
const std::vector<std::string>& fault_entry() {
  static const std::vector<std::string> k = concat({"at", "until"}, fault_actions());
  return k;
}
const std::vector<std::string>& clock_step() {
  static const std::vector<std::string> k{"node", "by"};
  return k;
}
const std::vector<std::string>& ordering() {
  static const std::vector<std::string> k{"servers", "central", "requests_per_s"};
  return k;
}
const std::vector<std::string>& byzantine() {
  static const std::vector<std::string> k{"node", "mode", "lie", "told_behind"};
  return k;
}
const std::vector<std::string>& byzantine_modes() {
  static const std::vector<std::string> k{"two_faced", "arbitrary"};
  return k;
}
const std::vector<std::string>& expect_kinds() {
  static const std::vector<std::string> k{"max_skew", "masters_at_end", "failover_time_max", "max_abs_offset", "offset", "causality"};
  return k;
}
const std::vector<std::string>& expect_window() {
  static const std::vector<std::string> k{"after", "until", "outside_failover", "at_least", "within"};
  return k;
}
const std::vector<std::string>& output() {
  static const std::vector<std::string> k{"trace",    "skew",        "events",      "summary", "messages",
                                          "links",    "trace_nodes", "trace_every", "compress"};
  return k;
}
const std::vector<std::string>& distribution_kinds() {
  static const std::vector<std::string> k{"constant", "uniform", "normal", "lognormal", "exponential", "pareto", "adversarial"};
  return k;
}

}  // namespace clocksim::scenario::keys
