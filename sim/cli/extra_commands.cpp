#include "sim/cli/commands.hpp"
#include "sim/cli/sweep_command.hpp"

namespace clocksim::cli {

// Further subcommands (sweep, ...) add a one-line call here.
void register_extra_commands(CLI::App& app) { register_sweep_command(app); }

}  // namespace clocksim::cli
