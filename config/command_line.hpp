// How clocksim, clocksyncd and clocksyncctl read their command lines. CLI11 prints its own errors
// bare ("--drift-ppm: Value inf not in range ...") and adds a second line; every other error of
// these programs is one line that starts with the program's name, which is what scripts and
// readers of the journal match on. So CLI11's errors are written the same way here, exit code 2;
// --help and --version still print what CLI11 prints and exit 0.
#pragma once

#include <CLI/CLI.hpp>

#include <iostream>
#include <optional>
#include <string>

#include "config/unexpected_argument.hpp"
#include "config/unknown_command.hpp"

namespace clocksim::config {

// Parses `argv` into `app` (whose subcommands' callbacks run within). Nullopt: go on; otherwise
// the exit code to return at once.
inline std::optional<int> parse_command_line(CLI::App& app, int argc, const char* const* argv, const std::string& program) {
  auto refuse = [&program](const std::string& message) {
    std::cerr << program << ": " << message << " (" << program << " --help)\n";
    return 2;
  };
  // A program without subcommands takes a stray word as an argument, which CLI11 refuses itself.
  if (!app.get_subcommands({}).empty()) {
    if (const auto unknown = unknown_command(app, argc, argv)) return refuse(*unknown);
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success)) return app.exit(e);
    // CLI11 checks what is required before what it did not take, so "clocksim run --seeed 3"
    // would say "scenario is required" of a line whose mistake is the flag.
    if (const auto stray = unexpected_argument(app)) return refuse(*stray);
    return refuse(e.what());
  }
  return std::nullopt;
}

}  // namespace clocksim::config
