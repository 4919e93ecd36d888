// JSON Schema (draft 2020-12) of the scenario format, for editors (YAML language servers
// complete and check keys with it). Generated from the same key lists the loader checks
// (sim/scenario/keys) and from the algorithm catalogue, so it follows every new algorithm
// parameter; docs/scenario.schema.json is its committed output, kept identical by a test.
// The schema checks shape and syntax; the loader additionally checks cross-field rules (node
// names exist, tick divides duration, grid fits the node count, ...).
#pragma once

#include <string>

namespace clocksim::scenario {

// Pretty-printed (2-space indent), ending in a newline.
std::string scenario_json_schema();

}  // namespace clocksim::scenario
