#include "sim/output/memory_room.hpp"

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

#include "algorithms/core/c_locale_stream.hpp"
#include "sim/output/output_room.hpp"

namespace clocksim::sim {

std::optional<std::uint64_t> mem_available_bytes(std::string_view meminfo) {
  std::istringstream in{std::string(meminfo)};
  std::string key;
  std::uint64_t kib = 0;
  std::string unit;
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    if (fields >> key >> kib >> unit && key == "MemAvailable:" && unit == "kB") return kib * 1024;
  }
  return std::nullopt;
}

void check_memory_room(const scenario::ScenarioSpec& spec, std::optional<std::uint64_t> available) {
  if (!available) return;
  const OutputSizeFloor floor = output_size_floor(spec);
  if (floor.bytes <= *available) return;
  throw std::runtime_error(
      "the run's trace.csv and skew.csv need at least " + human_bytes(floor.bytes) + " of memory (" +
      std::to_string(floor.trace_rows) + " trace rows, " + std::to_string(floor.skew_rows) + " skew rows), but " +
      human_bytes(*available) +
      " is available; record less (a coarser tick, output.trace_every, output.trace_nodes, output.trace: false, "
      "output.skew: false)");
}

void check_memory_room(const scenario::ScenarioSpec& spec) {
  std::ifstream in("/proc/meminfo");
  if (!in) return;
  CLocaleStream text;
  text << in.rdbuf();
  check_memory_room(spec, mem_available_bytes(text.str()));
}

}  // namespace clocksim::sim
