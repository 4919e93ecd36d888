// The scenario loader reads YAML with the strict, located reader it shares with the daemon's
// configuration (config/yaml_tree.hpp).
#pragma once

#include "config/yaml_tree.hpp"

namespace clocksim::scenario {
namespace yaml = config::yaml;
}  // namespace clocksim::scenario
