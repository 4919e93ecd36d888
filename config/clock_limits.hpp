// The `limits:` section of clocksyncd's configuration and of a scenario run under `host: daemon`:
// the clock guard's sanity limits (algorithms/core/clock_guard.hpp), read by one function so that a
// simulated cluster runs the limits a real one would be given, written the same way.
#pragma once

#include <string>
#include <vector>

#include "algorithms/core/clock_guard.hpp"
#include "config/file_errors.hpp"
#include "config/reader.hpp"

namespace clocksim::config {

// The keys a `limits:` section may hold.
const std::vector<std::string>& clock_limit_keys();

// Reads the section at `path` into `limits`, keeping the defaults for keys it does not give; each
// key's mistake is noted in `errors` on its own.
void read_clock_limits(const Node& n, const std::string& path, ClockGuardConfig& limits, FileErrors& errors);

}  // namespace clocksim::config
