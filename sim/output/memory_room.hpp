// Before a run whose files are kept in memory (the Python module): will they fit? The same exact
// lower bound as for a folder on disk (output_room.hpp), against the memory the system says it
// can still give (MemAvailable). A run that cannot fit is refused at once, instead of growing
// until the allocation fails or the kernel kills the process with everything in it.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "sim/scenario/spec.hpp"

namespace clocksim::sim {

// MemAvailable of a /proc/meminfo text, in bytes; nullopt when the text has no such line.
std::optional<std::uint64_t> mem_available_bytes(std::string_view meminfo);

// Throws std::runtime_error, saying how much is needed and what to change, when the least the
// run's trace.csv and skew.csv take exceeds `available` bytes (nullopt: unknown, nothing checked).
void check_memory_room(const scenario::ScenarioSpec& spec, std::optional<std::uint64_t> available);

// The same against this machine's /proc/meminfo.
void check_memory_room(const scenario::ScenarioSpec& spec);

}  // namespace clocksim::sim
