// Reads a Distribution from a scenario value: a constant ("5ms", "50") or
// "[shift +] kind(args)" as documented on Distribution in spec.hpp.
#pragma once

#include <string>

#include "sim/scenario/spec.hpp"
#include "sim/scenario/yaml_tree.hpp"

namespace clocksim::scenario {

enum class Quantity : unsigned char {
  kDuration,  // values with units, held in ns (initial_offset)
  kLatency,   // a duration that must be >= 0; the only place `adversarial` is allowed
  kPpm,       // plain numbers (the key name carries the unit)
};

Distribution parse_distribution(const yaml::Node& node, const std::string& path, Quantity quantity);

// "a latency distribution such as uniform(1ms, 5ms)", for messages and docs.
std::string distribution_expected(Quantity quantity);

}  // namespace clocksim::scenario
