// The `expect:` list: assertions `clocksim run` checks (exit 1 when one fails).
//   - {max_skew: bound, after: 30s}       # or 5ms, or 1.5 * bound; optional until
//   - {masters_at_end: 1}
//   - {failover_time_max: 20s}
//   - {max_abs_offset: 50ms, after: 1m}
//   - {causality: consistent}             # sync: logical only
#pragma once

#include <string>
#include <vector>

#include "sim/scenario/spec.hpp"
#include "sim/scenario/yaml_tree.hpp"

namespace clocksim::scenario {

// `logical`: the run stamps events with logical clocks (sync: logical), which `causality` needs.
std::vector<ExpectSpec> parse_expects(const yaml::Node* node, const std::string& path, Duration duration, bool logical);

}  // namespace clocksim::scenario
