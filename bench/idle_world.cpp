#include "bench/idle_world.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <stdexcept>

#include "sim/scenario/spec.hpp"
#include "sim/world/world.hpp"

namespace clocksim::bench {
namespace {

using namespace clocksim::literals;

long resident_kib() {
  std::ifstream statm("/proc/self/statm");
  long pages_total = 0, pages_resident = 0;
  statm >> pages_total >> pages_resident;
  return pages_resident * (sysconf(_SC_PAGESIZE) / 1024);
}

// What a scenario file with `nodes: N`, drifting clocks and no algorithm loads into: default
// names, no per-node overrides, a full mesh.
IdleMemory measure_here(std::uint32_t nodes) {
  const long rss0 = resident_kib();
  scenario::ScenarioSpec spec;
  spec.name = "idle";
  spec.duration = 1_s;
  spec.tick = 1_s;
  spec.nodes.resize(nodes);
  for (std::uint32_t i = 0; i < nodes; ++i) spec.nodes[i].id = i;
  spec.clocks.drift_ppm = scenario::Distribution::uniform(-50, 50);
  spec.algorithm.sync.kind = "none";
  const long rss_spec = resident_kib();
  sim::World world(spec);
  world.run_until(sim::Time::epoch());
  const long rss_world = resident_kib();
  IdleMemory m;
  m.nodes = nodes;
  m.engine_bytes_per_node = static_cast<double>(rss_world - rss_spec) * 1024.0 / nodes;
  m.spec_bytes_per_node = static_cast<double>(rss_spec - rss0) * 1024.0 / nodes;
  return m;
}

}  // namespace

IdleMemory measure_idle_world(std::uint32_t nodes) {
  int fds[2];
  if (pipe(fds) != 0) throw std::runtime_error("pipe failed");
  const pid_t child = fork();
  if (child < 0) throw std::runtime_error("fork failed");
  if (child == 0) {
    close(fds[0]);
    const IdleMemory m = measure_here(nodes);
    const bool written = write(fds[1], &m, sizeof m) == static_cast<ssize_t>(sizeof m);
    _exit(written ? 0 : 1);
  }
  close(fds[1]);
  IdleMemory m;
  const bool read_all = read(fds[0], &m, sizeof m) == static_cast<ssize_t>(sizeof m);
  close(fds[0]);
  int status = 0;
  waitpid(child, &status, 0);
  if (!read_all || !WIFEXITED(status) || WEXITSTATUS(status) != 0) throw std::runtime_error("idle world measurement failed");
  return m;
}

std::string idle_world_line(const IdleMemory& m) {
  char line[200];
  std::snprintf(line, sizeof line, "idle world of %u free-running nodes: %.0f bytes/node (engine) + %.0f bytes/node (scenario spec) = %.0f",
                m.nodes, m.engine_bytes_per_node, m.spec_bytes_per_node, m.engine_bytes_per_node + m.spec_bytes_per_node);
  return line;
}

}  // namespace clocksim::bench
