// The first word of a command line that CLI11 could not place (a misspelt flag, a stray
// argument), named with the flag it was probably meant to be.
#pragma once

#include <CLI/CLI.hpp>

#include <optional>
#include <string>
#include <vector>

#include "config/suggest.hpp"

namespace clocksim::config {

// After a failed parse: "unknown option '--seeed' (did you mean '--seed'?)" for a word that looks
// like a flag, "unexpected argument 'x.yaml'" for one that does not; nullopt when CLI11 placed
// every word. Suggestions come from the flags of the innermost command that was named.
inline std::optional<std::string> unexpected_argument(const CLI::App& app) {
  const std::vector<std::string> stray = app.remaining(true);
  if (stray.empty()) return std::nullopt;
  const std::string& word = stray.front();
  if (word.size() < 2 || word[0] != '-') return "unexpected argument '" + word + "'";
  const CLI::App* innermost = &app;
  for (std::vector<CLI::App*> named = innermost->get_subcommands(); !named.empty(); named = innermost->get_subcommands()) {
    innermost = named.front();
  }
  const std::string flag = word.substr(0, word.find('='));
  std::vector<std::string> flags;
  for (const CLI::Option* opt : innermost->get_options()) {
    for (const std::string& name : opt->get_lnames()) flags.push_back("--" + name);
    for (const std::string& name : opt->get_snames()) flags.push_back("-" + name);
  }
  return "unknown option '" + flag + "'" + did_you_mean(flag, flags);
}

}  // namespace clocksim::config
