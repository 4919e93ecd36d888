// How clocksyncd and clocksyncctl read their command lines. CLI11 prints its own errors bare
// ("--drift-ppm: Value inf not in range ...") and adds a second line; every other error of these
// programs is one line that starts with the program's name, which is what scripts and readers of
// the journal match on. So CLI11's errors are written the same way here, exit code 2; --help
// still prints what CLI11 prints and exits 0.
#pragma once

#include <CLI/CLI.hpp>

#include <iostream>
#include <optional>
#include <string>

namespace clocksim::daemon {

// Parses `argv` into `app`. Nullopt: go on; otherwise the exit code to return at once.
inline std::optional<int> parse_command_line(CLI::App& app, int argc, const char* const* argv, const std::string& program) {
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success)) return app.exit(e);
    std::cerr << program << ": " << e.what() << " (" << program << " --help)\n";
    return 2;
  }
  return std::nullopt;
}

}  // namespace clocksim::daemon
