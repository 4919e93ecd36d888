// Network benchmark: how fast Network::transmit decides messages' fates on large topologies, and
// how much memory the topology, the per-link streams and the route cache take.
//   clocksim_bench_network                      the table in docs/network.md (one process per row,
//                                               so each row's memory is its own)
//   clocksim_bench_network er 1000000 1000000 master   one row: topology, nodes, messages, traffic
//   clocksim_bench_network --smoke              tiny sizes (CTest keeps it from rotting)
// Latency uniform(1ms, 5ms), loss 1 %. "master": node 0 exchanges messages with random nodes in
// both directions (a Berkeley master); "pairs": random source and destination.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <utility>

#include "sim/network/network.hpp"

namespace {

using namespace clocksim;
using namespace clocksim::sim;

long rss_mb() {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);)
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6)) / 1024;
  return 0;
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

Topology make(const std::string& kind, NodeId n) {
  if (kind == "mesh") return Topology::full_mesh(n);
  if (kind == "ba") return Topology::from_edges(n, barabasi_albert_edges(n, 2, 1));
  if (kind == "er") return Topology::from_edges(n, erdos_renyi_edges(n, 4.0 / n, 1));
  return Topology::from_edges(n, ring_edges(n));
}

void run(const std::string& kind, NodeId n, long messages, bool master) {
  scenario::LinksSpec links;
  links.defaults.latency_ns = scenario::Distribution::uniform(1e6, 5e6);
  links.defaults.loss = 0.01;
  const long rss0 = rss_mb();
  auto t0 = std::chrono::steady_clock::now();
  Network net(make(kind, n), links, n, 1);
  const double build_s = seconds_since(t0);
  const long rss_built = rss_mb() - rss0;

  Rng rng(5);
  const Message msg = make_message(MsgType::kTimeRequest);
  std::int64_t total_ns = 0;
  t0 = std::chrono::steady_clock::now();
  for (long i = 0; i < messages; ++i) {
    NodeId a = static_cast<NodeId>(rng() % n), b = static_cast<NodeId>(rng() % n);
    if (master) {
      a = 0;
      b = 1 + static_cast<NodeId>(rng() % (n - 1));
      if (i & 1) std::swap(a, b);
    }
    total_ns += net.transmit(a, b, msg, Time::epoch()).delay.ns();
  }
  const double run_s = seconds_since(t0);
  std::printf("| %-4s | %8u | %-6s | %5.2f s | %6ld MB | %10.0f msg/s | %6ld MB | %3zu | %.3f |\n",
              kind.c_str(), n, master ? "master" : "pairs", build_s, rss_built,
              static_cast<double>(messages) / run_s, rss_mb(), net.routes_computed(),
              static_cast<double>(net.counters().delivered) / static_cast<double>(messages));
  if (total_ns < 0) std::puts("");  // keep the loop from being optimised away
}

}  // namespace

int main(int argc, char** argv) {
  const bool smoke = argc > 1 && std::strcmp(argv[1], "--smoke") == 0;
  if (argc == 5) {
    run(argv[1], static_cast<NodeId>(std::stoul(argv[2])), std::stol(argv[3]),
        std::strcmp(argv[4], "master") == 0);
    return 0;
  }
  std::puts("| topo | nodes | traffic | build | network memory | transmit | process RSS | BFS | delivered |");
  std::puts("|---|---|---|---|---|---|---|---|---|");
  std::fflush(stdout);
  if (smoke) {
    run("mesh", 100, 10'000, true);
    run("ba", 1'000, 10'000, true);
    run("er", 1'000, 1'000, false);
    return 0;
  }
  const char* rows[] = {"mesh 1000 3000000 master", "mesh 1000 3000000 pairs",
                        "ba 1000000 1000000 master", "er 1000000 1000000 master",
                        "ba 100000 300 pairs", "ring 10000 10000 master"};
  int status = 0;
  for (const char* row : rows) status |= std::system((std::string(argv[0]) + " " + row).c_str());
  return status == 0 ? 0 : 1;
}
