// The --seed option of clocksim run and clocksyncd: any seed a scenario or a config file takes
// (0 .. 2^64 − 1), and nothing else. CLI11's own integer conversion wraps "-1" and saturates
// "18446744073709551616" to 2^64 − 1, which would run a seed nobody asked for.
#pragma once

#include <CLI/CLI.hpp>

#include <cstdint>
#include <optional>
#include <string>

#include "config/reader.hpp"

namespace clocksim::config {

// Adds `--seed` reading into `text`; after parsing, seed_value(text) is the seed.
inline CLI::Option* add_seed_option(CLI::App& app, std::string& text, const std::string& description) {
  return app.add_option("--seed", text, description + " (0 .. 2^64 - 1)")
      ->check(CLI::Validator(
          [](const std::string& s) {
            return parse_uint64(s) ? std::string() : "expected an integer in 0 .. 2^64 - 1, got '" + s + "'";
          },
          "SEED"));
}

inline std::optional<std::uint64_t> seed_value(const std::string& text) {
  return text.empty() ? std::nullopt : parse_uint64(text);
}

}  // namespace clocksim::config
