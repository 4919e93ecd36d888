// ConfigError: a user error in a configuration file (a scenario, a daemon config) or in a
// command-line override, located precisely.
//
// what() reads like a compiler diagnostic so that editors can jump to it:
//   "failover.yaml:12:14: error: at 'links.latency': expected a latency distribution such as
//    uniform(1ms, 5ms), got '5 parsecs'"
// Errors that do not come from a file position (a --set override, an unreadable file) have
// line 0 and print as "<source>: error: ...".
#pragma once

#include <exception>
#include <string>
#include <vector>

namespace clocksim::config {

class ConfigError : public std::exception {
 public:
  ConfigError(std::string file, int line, int column, std::string key_path, std::string message);
  // Errors found together of which none hides another (every unknown key of one mapping), in the
  // order given (at least one): this error is the first of them, for a reader that stops at one,
  // and what() lists them all, one a line.
  explicit ConfigError(const std::vector<ConfigError>& errors);

  // Each error on its own: this one alone, or each of those it was made of, for a reader that
  // reports every error of a file in the file's order (the daemon's config).
  std::vector<ConfigError> each() const;

  const std::string& file() const { return file_; }
  int line() const { return line_; }      // 1-based; 0 when there is no position
  int column() const { return column_; }  // 1-based; 0 when there is no position
  const std::string& key_path() const { return key_path_; }  // "links.latency", "faults.0.at"
  const std::string& message() const { return message_; }
  const char* what() const noexcept override { return what_.c_str(); }

 private:
  std::string file_;
  int line_;
  int column_;
  std::string key_path_;
  std::string message_;
  std::string what_;
  std::vector<ConfigError> more_;  // after the first, each on its own
};

}  // namespace clocksim::config
