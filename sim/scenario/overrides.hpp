// `--set key.path=value`: edits the YAML tree before validation, so an override is checked
// exactly like the file and its errors name the command line ("--set links.loss=2: error: ...").
// A path walks mappings by key and lists by index (faults.0.at); absent mapping keys are
// created (validation then says whether they are allowed). The value is read as YAML, so
// `--set output.trace_nodes=[n0,n1]` works too.
#pragma once

#include <string>

#include "sim/scenario/yaml_tree.hpp"

namespace clocksim::scenario {

void apply_set_override(yaml::Node& root, const std::string& assignment);

}  // namespace clocksim::scenario
