#include "sim/cli/commands.hpp"
#include "sim/cli/sweep_command.hpp"

namespace clocksim::cli {

// Further subcommands (sweep, ...) add a one-line call here.
void register_extra_commands(CLI::App& app, int& exit_code) { register_sweep_command(app, exit_code); }

}  // namespace clocksim::cli
