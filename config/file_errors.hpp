// The errors of one configuration file (a scenario, a daemon config), collected so that one run
// of the reader reports all that can be known at once, in the order of the file, rather than one
// error per attempt.
#pragma once

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "config/error.hpp"

namespace clocksim::config {

class FileErrors {
 public:
  // Runs `read`; an error it raises is noted and the caller goes on. True when it raised none: a
  // reading that later ones depend on is only taken further when it succeeded, so that one
  // mistake is not reported again as the mistakes it causes.
  template <class Read>
  bool read(Read&& read) {
    try {
      read();
      return true;
    } catch (const ConfigError& e) {
      for (ConfigError& one : e.each()) errors_.push_back(std::move(one));
      return false;
    }
  }

  bool empty() const { return errors_.empty(); }

  // Every error, one per line, by place in the file; nullopt when there is none.
  std::optional<std::string> text() {
    if (errors_.empty()) return std::nullopt;
    sort();
    std::string all;
    for (const auto& e : errors_) all += (all.empty() ? "" : "\n") + std::string(e.what());
    return all;
  }

  // Throws every error so far as one ConfigError (by place in the file); nothing when there is none.
  void throw_if_any() {
    if (errors_.empty()) return;
    sort();
    throw ConfigError(errors_);
  }

 private:
  void sort() {
    std::stable_sort(errors_.begin(), errors_.end(), [](const ConfigError& a, const ConfigError& b) {
      return std::pair(a.line(), a.column()) < std::pair(b.line(), b.column());
    });
  }

  std::vector<ConfigError> errors_;
};

}  // namespace clocksim::config
