// clocksim: run, validate and inspect scenarios.
//   clocksim run FILE [--seed N] [--out DIR] [--set key.path=value]... [--plot] [--quiet]
//   clocksim validate FILE...
//   clocksim schema            (the JSON Schema of scenario files)
//   clocksim sweep FILE        (docs/sweeps.md)
// Exit codes: 0 success (every expectation held), 1 an expectation failed, 2 bad input or an
// error that produced no output (a write error, such as a full disk, stops the run at once), or
// standard output that could not be written.
// Ended by SIGINT, SIGTERM, SIGHUP, SIGQUIT or SIGPIPE, it first removes its unfinished files.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <iostream>
#include <string>

#include "config/command_line.hpp"
#include "config/standard_streams.hpp"
#include "sim/cli/commands.hpp"
#include "sim/output/pending_files.hpp"
#include "sim/version/code_identity.hpp"

int main(int argc, char** argv) {
  if (!clocksim::config::keep_standard_descriptors_open()) {
    std::cerr << "clocksim: cannot open /dev/null for a closed standard descriptor\n";
    return 2;
  }
  clocksim::sim::remove_pending_files_on_signals();
  CLI::App app{"clocksim: deterministic simulator for clock synchronization"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("clocksim ") + clocksim::sim::release_version() + " (code " +
                                        clocksim::sim::code_identity() + ")");
  int exit_code = 0;  // the executed subcommand's callback sets it
  clocksim::cli::register_run_command(app, exit_code);
  clocksim::cli::register_validate_command(app, exit_code);
  clocksim::cli::register_schema_command(app, exit_code);
  clocksim::cli::register_extra_commands(app, exit_code);
  if (const auto done = clocksim::config::parse_command_line(app, argc, argv, "clocksim")) {
    return clocksim::config::finish_standard_output("clocksim", *done);
  }
  return clocksim::config::finish_standard_output("clocksim", exit_code);
}
