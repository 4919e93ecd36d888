#include "sim/scenario/validate.hpp"

#include "algorithms/core/duration_parse.hpp"

namespace clocksim::scenario {

int validate_files(const std::vector<std::string>& files, std::ostream& out, std::ostream& err,
                   const LoadOptions& options) {
  if (files.empty()) {
    err << "clocksim validate: no scenario files given\n";
    return 2;
  }
  int status = 0;
  for (const auto& file : files) {
    try {
      const ScenarioSpec spec = load_scenario_file(file, options);
      out << "ok: " << file << " (" << spec.name << ": " << spec.nodes.size() << " nodes, duration "
          << format_duration(spec.duration) << ", tick " << format_duration(spec.tick) << ", sync "
          << spec.algorithm.sync.kind;
      if (!spec.algorithm.election.kind.empty()) out << ", election " << spec.algorithm.election.kind;
      out << ")\n";
    } catch (const ScenarioError& e) {
      err << e.what() << "\n";
      status = 2;
    }
  }
  return status;
}

}  // namespace clocksim::scenario
