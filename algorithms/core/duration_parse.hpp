// The one parser for human durations ("250ms", "1.5s", "2m", "1h", "-3us", "0").
// Used by the scenario loader, the CLI and the daemon's config alike.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "algorithms/core/time.hpp"

namespace clocksim {

// Accepted units: ns, us, ms, s, m (or min), h. A bare 0 is accepted without a unit; any other
// number needs one. Decimal fractions are exact to the nanosecond (parsed in integer arithmetic,
// not through double), and overflow is rejected.
std::optional<Duration> parse_duration(std::string_view text);

// Why parse_duration refused a text, for error messages that say what to fix.
enum class DurationTextProblem {
  kNone,             // it parses
  kMalformed,        // not a number with a unit (a bare nonzero number included)
  kTooLarge,         // beyond int64 nanoseconds (about 292 years) either way
  kBelowNanosecond,  // a fraction finer than the nanosecond resolution
};
DurationTextProblem duration_text_problem(std::string_view text);

// Human-readable form that parse_duration reads back exactly: "1.5s", "250ms", "-3us", "0s".
std::string format_duration(Duration d);

}  // namespace clocksim
