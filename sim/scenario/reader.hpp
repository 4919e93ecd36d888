// The typed, located value readers the scenario loader shares with the daemon's configuration
// (config/reader.hpp), under the names the loader uses.
#pragma once

#include <string>

#include "config/reader.hpp"
#include "sim/scenario/spec.hpp"
#include "sim/scenario/yaml_tree.hpp"

namespace clocksim::scenario {
using config::check_keys;
using config::child_path;
using config::duration_problem;
using config::expect_map;
using config::expect_sequence;
using config::fail_at;
using config::Node;
using config::parse_integer;
using config::parse_number;
using config::read_bool;
using config::read_duration;
using config::read_int;
using config::read_number;
using config::read_string;
using config::read_uint64;
using config::require_key;

// Where a value was written, kept in the spec for errors found after loading.
inline SourceLocation location_of(const yaml::Node& n) {
  return SourceLocation{n.pos.source ? *n.pos.source : std::string(), n.pos.line, n.pos.column};
}
}  // namespace clocksim::scenario
