// Subcommands of the clocksim binary, one registration function each (sweep lives in its own
// file and registers itself through register_extra_commands).
#pragma once

#include <CLI/CLI.hpp>

namespace clocksim::cli {

// Each subcommand's callback writes the exit code it chose into `exit_code`, which main owns
// and returns: CLI11 callbacks return nothing.
void register_run_command(CLI::App& app, int& exit_code);
void register_validate_command(CLI::App& app, int& exit_code);
void register_schema_command(CLI::App& app, int& exit_code);
void register_extra_commands(CLI::App& app, int& exit_code);

// For --out: an empty path names no folder (a script's unset variable, `--out "$DIR"`), and is
// refused rather than taken as the default folder.
inline const CLI::Validator kNonEmptyFolder(
    [](const std::string& path) { return path.empty() ? std::string("an empty path names no folder") : std::string(); },
    "FOLDER");

}  // namespace clocksim::cli
