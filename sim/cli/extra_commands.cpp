#include "sim/cli/commands.hpp"

namespace clocksim::cli {

// Further subcommands (sweep, ...) add a one-line call here.
void register_extra_commands(CLI::App& /*app*/) {}

}  // namespace clocksim::cli
