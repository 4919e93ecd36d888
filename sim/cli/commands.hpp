// Subcommands of the clocksim binary, one registration function each (sweep lives in its own
// file and registers itself through register_extra_commands).
#pragma once

#include <CLI/CLI.hpp>

namespace clocksim::cli {

void register_run_command(CLI::App& app);
void register_validate_command(CLI::App& app);
void register_schema_command(CLI::App& app);
void register_extra_commands(CLI::App& app);

// The exit code the executed subcommand chose.
int exit_code();
void set_exit_code(int code);

}  // namespace clocksim::cli
