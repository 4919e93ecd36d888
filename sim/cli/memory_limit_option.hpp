// --memory-limit for the commands that run simulations (sim/memory/memory_limit.hpp): parsed by
// CLI11 (a bad value is a usage error, exit 2) and applied before the scenario is read, so that
// reading a large topology file counts too.
#pragma once

#include <CLI/CLI.hpp>

#include <optional>
#include <string>

#include "sim/memory/memory_limit.hpp"

namespace clocksim::cli {

void add_memory_limit_option(CLI::App& command, std::string& text);

// Applies the option's value; on failure prints why (prefixed by `program`) and returns nullopt.
std::optional<sim::MemoryLimit> apply_memory_limit_option(const std::string& text, const char* program);

}  // namespace clocksim::cli
