// Resident memory per node of an idle world: free-running nodes (no algorithm, no traffic) after
// their starts, the engine (sim::World) and the scenario spec counted separately.
#pragma once

#include <cstdint>
#include <string>

namespace clocksim::bench {

struct IdleMemory {
  std::uint32_t nodes = 0;
  double engine_bytes_per_node = 0;
  double spec_bytes_per_node = 0;
};

// Measured in a child process, so that neither memory this process freed earlier nor an
// earlier measurement can be reused unseen.
IdleMemory measure_idle_world(std::uint32_t nodes);
std::string idle_world_line(const IdleMemory& m);

}  // namespace clocksim::bench
