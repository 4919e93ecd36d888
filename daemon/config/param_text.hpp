// Algorithm parameter values from text ("2s", "uniform(3s, 6s)", "true", "fault_tolerant"),
// checked against the registry's ParamSpec (type, range, choices): the same names and forms a
// scenario file uses, so a daemon config and a scenario read alike.
#pragma once

#include <string>
#include <variant>

#include "algorithms/core/params.hpp"

namespace clocksim::daemon {

// The value, or what was expected (without location: the caller adds file:line:col and key).
std::variant<ParamValue, std::string> parse_param_text(const ParamSpec& spec, const std::string& text);

}  // namespace clocksim::daemon
