#include "config/error.hpp"

#include <utility>

namespace clocksim::config {

ConfigError::ConfigError(std::string file, int line, int column, std::string key_path, std::string message)
    : file_(std::move(file)),
      line_(line),
      column_(column),
      key_path_(std::move(key_path)),
      message_(std::move(message)) {
  what_ = file_;
  if (line_ > 0) what_ += ":" + std::to_string(line_) + ":" + std::to_string(column_);
  what_ += ": error: ";
  if (!key_path_.empty()) what_ += "at '" + key_path_ + "': ";
  what_ += message_;
}

}  // namespace clocksim::config
