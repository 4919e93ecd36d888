// A misspelt command of a program with subcommands (clocksim, clocksyncctl). CLI11 answers
// "clocksim rnu" with "A subcommand is required", which names neither the word it did not know
// nor the ones it would have taken; this names both, with a suggestion for a near miss.
#pragma once

#include <CLI/CLI.hpp>

#include <optional>
#include <string>
#include <vector>

#include "config/suggest.hpp"

namespace clocksim::config {

// The message for argv[1] when it is neither a flag nor one of `app`'s subcommands (nullopt
// otherwise): "unknown command 'X' (did you mean 'Y'?); the commands are A, B".
inline std::optional<std::string> unknown_command(const CLI::App& app, int argc, const char* const* argv) {
  if (argc < 2 || argv[1][0] == '-') return std::nullopt;
  const std::string given = argv[1];
  std::vector<std::string> names;
  for (const CLI::App* sub : app.get_subcommands({})) {
    if (sub->check_name(given)) return std::nullopt;
    names.push_back(sub->get_name());
  }
  std::string known;
  for (const std::string& n : names) known += (known.empty() ? "" : ", ") + n;
  return "unknown command '" + given + "'" + did_you_mean(given, names) + "; the commands are " + known;
}

}  // namespace clocksim::config
