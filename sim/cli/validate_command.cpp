#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "sim/cli/commands.hpp"
#include "sim/scenario/loader.hpp"
#include "sim/scenario/validate.hpp"

namespace clocksim::cli {

void register_validate_command(CLI::App& app) {
  auto files = std::make_shared<std::vector<std::string>>();
  CLI::App* v = app.add_subcommand("validate", "Check scenario files; report every error with file:line:col");
  v->add_option("scenarios", *files, "Scenario YAML files")->required();
  v->callback([files] { set_exit_code(scenario::validate_files(*files, std::cout, std::cerr)); });
}

}  // namespace clocksim::cli
