// Reading a configuration file into a located YAML tree, with the same limits and errors for a
// scenario and a daemon config.
#pragma once

#include <string>
#include <string_view>

#include "config/yaml_tree.hpp"

namespace clocksim::config {

// The file's text. Throws ConfigError "<path>: error: cannot open the <what>" (also for a
// directory: "is a directory, not a <what>") or when it exceeds the tree's size limit.
std::string read_text_file(const std::string& path, std::string_view what);

// read_text_file + yaml::parse_document.
yaml::Node load_yaml_file(const std::string& path, std::string_view what);

}  // namespace clocksim::config
