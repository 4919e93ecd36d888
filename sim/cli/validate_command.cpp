#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "sim/cli/commands.hpp"
#include "sim/scenario/loader.hpp"
#include "sim/scenario/json_schema.hpp"
#include "sim/scenario/validate.hpp"

namespace clocksim::cli {

void register_validate_command(CLI::App& app, int& exit_code) {
  auto files = std::make_shared<std::vector<std::string>>();
  CLI::App* v = app.add_subcommand("validate", "Check scenario files; report every error with file:line:col");
  v->add_option("scenarios", *files, "Scenario YAML files")->required();
  v->callback([files, &exit_code] { exit_code = scenario::validate_files(*files, std::cout, std::cerr); });
}

void register_schema_command(CLI::App& app, int& exit_code) {
  CLI::App* s = app.add_subcommand("schema", "Print the JSON Schema of scenario files (docs/scenario.schema.json)");
  s->callback([&exit_code] {
    std::cout << scenario::scenario_json_schema() << "\n";
    exit_code = 0;
  });
}

}  // namespace clocksim::cli
