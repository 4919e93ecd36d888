// `clocksim validate FILES...`: loads each scenario and reports every problem, one per file.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "sim/scenario/loader.hpp"

namespace clocksim::scenario {

// Prints "ok: FILE (name: N nodes, duration D, sync K)" per valid file on `out` and the error
// of each invalid one on `err`. Returns 0 when all are valid, 2 otherwise (or with no files).
int validate_files(const std::vector<std::string>& files, std::ostream& out, std::ostream& err,
                   const LoadOptions& options = {});

}  // namespace clocksim::scenario
