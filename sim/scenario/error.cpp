#include "sim/scenario/error.hpp"

namespace clocksim::scenario {

std::string format_location(const SourceLocation& where) {
  if (where.line <= 0) return where.file;
  return where.file + ":" + std::to_string(where.line) + ":" + std::to_string(where.column);
}

}  // namespace clocksim::scenario
