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

ConfigError::ConfigError(const std::vector<ConfigError>& errors) : ConfigError(errors.front()) {
  for (std::size_t i = 1; i < errors.size(); ++i) {
    for (ConfigError& one : errors[i].each()) {
      what_ += "\n" + one.what_;
      more_.push_back(std::move(one));
    }
  }
}

std::vector<ConfigError> ConfigError::each() const {
  std::vector<ConfigError> all{ConfigError(file_, line_, column_, key_path_, message_)};
  all.insert(all.end(), more_.begin(), more_.end());
  return all;
}

}  // namespace clocksim::config
