// A user error in a scenario (or in a --set override) is a config::ConfigError, located
// precisely (config/error.hpp):
//   "failover.yaml:12:14: error: at 'links.latency': expected a latency distribution such as
//    uniform(1ms, 5ms), got '5 parsecs'"
#pragma once

#include <string>

#include "config/error.hpp"
#include "sim/scenario/spec.hpp"

namespace clocksim::scenario {

using ScenarioError = config::ConfigError;

// "file:line:col" (or just "file" when there is no position), for messages about a spec
// element after loading, e.g. a failed expectation: "failover.yaml:40:5: expectation failed".
std::string format_location(const SourceLocation& where);

}  // namespace clocksim::scenario
