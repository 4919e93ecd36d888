// The small "name(arg, key=value)" syntax shared by distributions ("uniform(1ms, 5ms)") and
// topologies ("grid(4, 4)", "erdos_renyi(p=0.3)").
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/scenario/yaml_tree.hpp"

namespace clocksim::scenario {

struct CallArg {
  std::string name;  // empty: positional
  std::string value;
};

struct Call {
  std::string name;
  bool has_parens = false;
  std::vector<CallArg> args;
};

std::string_view trim(std::string_view s);

// Parses `text` (already without any "shift +" prefix). Errors are located at `node`/`path`;
// `expected` describes the whole value for messages ("a latency distribution such as ...").
Call parse_call(std::string_view text, const yaml::Node& node, const std::string& path, const std::string& expected);

// Binds positional and named arguments to `params` (in order); the first `required` must be
// present. Returns one entry per parameter (nullopt when an optional one is absent).
std::vector<std::optional<std::string>> bind_args(const Call& call, const std::vector<std::string>& params,
                                                  std::size_t required, const yaml::Node& node,
                                                  const std::string& path);

// "uniform(min, max)" for messages.
std::string signature(const std::string& name, const std::vector<std::string>& params);

}  // namespace clocksim::scenario
