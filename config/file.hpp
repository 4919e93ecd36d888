// Reading a configuration file into a located YAML tree, with the same limits and errors for a
// scenario and a daemon config.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "config/yaml_tree.hpp"

namespace clocksim::config {

// At most `max_bytes` of a file. Reads by chunks whatever the file is, so that a device that never
// ends (/dev/zero), a FIFO or a file growing under the reader stops at the limit instead of
// filling memory. `complete` is false when the file had more; `opened` false when it could not
// be opened (errno says why).
struct BoundedText {
  std::string text;
  bool opened = false;
  bool complete = false;
};
BoundedText read_bounded(const std::string& path, std::size_t max_bytes);

// The file's text. Throws ConfigError "<path>: error: cannot open the <what>" (also for a
// directory: "is a directory, not a <what>") or when it exceeds the tree's size limit.
std::string read_text_file(const std::string& path, std::string_view what);

// read_text_file + yaml::parse_document.
yaml::Node load_yaml_file(const std::string& path, std::string_view what);

}  // namespace clocksim::config
