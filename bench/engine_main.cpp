// The whole engine under the PHOLD workload, next to the bare reference loop in one run.
//
//   clocksim_bench_engine            the table below (a few minutes on 2 cores)
//   clocksim_bench_engine --smoke    tiny sizes: checks it runs, not how fast
//   clocksim_bench_engine --case NODES K EVENTS [--no-idle]   one row (e.g. under a profiler)
//   clocksim_bench_engine --idle     only the memory lines: bytes per idle node at 10^5 and 10^6
//   clocksim_bench_engine --peer-line NODES K EVENTS          the engine alone, one key=value line
//                                                             (bench/peers.sh reads it)
//   clocksim_bench_engine --star-line FILE CLIENTS SECONDS [PERIOD_SECONDS]
//                                                             a scenario (bench/peers/star.yaml)
//                                                             through the engine alone, one line
//
// "engine" = sim::World: every event goes through the node host, the algorithm object
// (algorithms/workload/phold), the Effects buffer, the network (per-link random streams drawing
// 1 ms + exponential(1 ms) from a full mesh) and the event queue. "bare" = a std::priority_queue
// loop doing only the queue work and the same kind of draws (bench/phold.hpp). The ratio says what
// the rest of a real simulator costs on top of the bare loop. Memory per idle node is measured by
// building worlds of 10^5 and 10^6 free-running nodes and reading the resident set (idle_world.hpp).
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include "bench/idle_world.hpp"
#include "bench/peers/measure.hpp"
#include "bench/phold.hpp"
#include "bench/phold_schedulers.hpp"
#include "sim/scenario/loader.hpp"
#include "sim/world/world.hpp"

namespace clocksim::bench {
namespace {

using namespace clocksim::literals;

scenario::ScenarioSpec phold_world(std::uint32_t nodes, std::uint32_t k, Duration duration, const char* sync) {
  scenario::ScenarioSpec s;
  s.name = "phold";
  s.seed = 1;
  s.duration = duration;
  s.tick = duration;  // two ticks: the bench measures events, not recording
  s.nodes.resize(nodes);
  for (std::uint32_t i = 0; i < nodes; ++i) {
    s.nodes[i].id = i;
    s.nodes[i].name = "n" + std::to_string(i);
  }
  scenario::Distribution latency;
  latency.kind = scenario::Distribution::Kind::kExponential;
  latency.a = 1e6;
  latency.shift = 1e6;
  s.links.defaults.latency_ns = latency;
  s.algorithm.sync.kind = sync;
  if (std::strcmp(sync, "phold") == 0) s.algorithm.sync.params.set("population", std::int64_t{k});
  return s;
}

// Hashes the sequence of deliveries (time, receiver): in PHOLD every event after the starts is one,
// so a change in the engine's event order or in any draw changes the hash. The bare loop and ns-3
// hash their event sequence in their timed loops too, so the comparison stays fair.
class DeliveryChecksum final : public sim::Observer {
 public:
  void on_tick(const sim::TickView&) override {}
  void on_event(sim::Time, NodeId, const Note&) override {}
  void on_message_delivered(sim::Time t, NodeId, NodeId to, const Message&) override {
    checksum_ = mix_checksum(checksum_, t.ns(), to);
  }
  std::uint64_t checksum() const { return checksum_; }

 private:
  std::uint64_t checksum_ = 0;
};

// The engine's PHOLD run: events handled after the starts, their CPU and wall time, and the hash
// of their sequence.
struct EngineRun {
  std::uint64_t events = 0;
  double cpu_s = 0;
  double wall_s = 0;
  std::uint64_t checksum = 0;
};

EngineRun run_engine(std::uint32_t nodes, std::uint32_t k, std::uint64_t events) {
  // Simulated time that yields about `events` events: each pending message lives 2 ms on average.
  const double seconds = static_cast<double>(events) * 2e-3 / (static_cast<double>(nodes) * k);
  const auto spec = phold_world(nodes, k, Duration::from_seconds(seconds), "phold");
  sim::World world(spec);
  DeliveryChecksum checksum;
  world.add_observer(&checksum);
  world.run_until(sim::Time::epoch());  // starts: the initial population is sent
  const std::uint64_t before = world.stats().events_processed;
  const Stopwatch sw;
  world.run_until(world.end());
  return EngineRun{world.stats().events_processed - before, sw.cpu(), sw.wall(), checksum.checksum()};
}

// A scenario through the engine alone: the same World as `clocksim run` (node host, algorithm
// objects, clock models, network, queue), with none of the run's observers (the exact skew checker,
// the per-tick statistics, the outputs). Its event count is the full run's (the checker's probes
// are not events), so next to `clocksim run` the difference in CPU time is what checking and
// recording cost.
// period_s: the sync layer's period, when not 0 (the star's request interval).
EngineRun run_scenario_engine(const std::string& file, std::uint32_t clients, std::uint32_t seconds, std::uint32_t period_s) {
  scenario::LoadOptions load;
  load.set_overrides = {"nodes=" + std::to_string(clients + 1), "duration=" + std::to_string(seconds) + "s"};
  if (period_s != 0) load.set_overrides.push_back("algorithm.sync.period=" + std::to_string(period_s) + "s");
  const auto spec = scenario::load_scenario_file(file, load);
  const Stopwatch sw;
  sim::World world(spec);
  DeliveryChecksum checksum;
  world.add_observer(&checksum);
  world.run_until(world.end());
  return EngineRun{world.stats().events_processed, sw.cpu(), sw.wall(), checksum.checksum()};
}

struct Case {
  std::uint32_t nodes;
  std::uint32_t k;
  std::uint64_t events;
};

int run(int argc, char** argv) {
  bool smoke = false;
  bool idle = true;
  bool idle_only = false;
  std::vector<Case> cases{{1'000, 1, 3'000'000}, {1'000, 10, 3'000'000}, {100'000, 10, 3'000'000},
                          {1'000'000, 1, 3'000'000}};
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--smoke") == 0) {
      smoke = true;
      cases = {{100, 2, 20'000}};
    } else if (std::strcmp(argv[i], "--no-idle") == 0) {
      idle = false;
    } else if (std::strcmp(argv[i], "--idle") == 0) {
      idle_only = true;
    } else if (std::strcmp(argv[i], "--peer-line") == 0 && i + 3 == argc - 1) {
      const EngineRun e = run_engine(static_cast<std::uint32_t>(parse_count(argv[i + 1], "NODES", kMaxU32)),
                                     static_cast<std::uint32_t>(parse_count(argv[i + 2], "K", kMaxU32)),
                                     parse_count(argv[i + 3], "EVENTS", UINT64_MAX));
      // The engine draws its own numbers (per-link streams): its checksum is its own, pinned by
      // CTest bench.engine_event_order, not comparable with the bare loop's.
      print_line("phold", "clocksim engine", e.events, e.cpu_s, e.wall_s, e.checksum);
      return 0;
    } else if (std::strcmp(argv[i], "--star-line") == 0 && (i + 3 == argc - 1 || i + 4 == argc - 1)) {
      EngineRun e;
      try {
        // The scenario has CLIENTS + 1 nodes (the server is n0).
        const auto period_s =
            i + 4 == argc - 1 ? static_cast<std::uint32_t>(parse_count(argv[i + 4], "PERIOD_SECONDS", kMaxU32)) : 0;
        e = run_scenario_engine(argv[i + 1], static_cast<std::uint32_t>(parse_count(argv[i + 2], "CLIENTS", kMaxU32 - 1)),
                                static_cast<std::uint32_t>(parse_count(argv[i + 3], "SECONDS", kMaxU32)), period_s);
      } catch (const scenario::ScenarioError& err) {
        std::fprintf(stderr, "%s\n", err.what());
        return 2;
      }
      print_line("star", "clocksim engine only (no checker)", e.events, e.cpu_s, e.wall_s, e.checksum);
      return 0;
    } else if (std::strcmp(argv[i], "--case") == 0 && i + 3 < argc) {
      cases = {{static_cast<std::uint32_t>(parse_count(argv[i + 1], "NODES", kMaxU32)),
                static_cast<std::uint32_t>(parse_count(argv[i + 2], "K", kMaxU32)),
                parse_count(argv[i + 3], "EVENTS", UINT64_MAX)}};
      i += 3;
    } else {
      std::fprintf(stderr,
                   "usage: %s [--smoke] [--case NODES K EVENTS] [--no-idle] | --idle | --peer-line NODES K EVENTS"
                   " | --star-line FILE CLIENTS SECONDS [PERIOD_SECONDS]\n",
                   argv[0]);
      return 2;
    }
  }
  // Measured first, while the heap holds no freed memory a world could reuse unseen.
  std::string idle_lines;
  if (idle || idle_only) {
    const std::vector<std::uint32_t> sizes = smoke ? std::vector<std::uint32_t>{10'000} : std::vector<std::uint32_t>{100'000, 1'000'000};
    for (std::uint32_t n : sizes) idle_lines += idle_world_line(measure_idle_world(n)) + "\n";
  }
  if (idle_only) {
    std::printf("%s", idle_lines.c_str());
    return 0;
  }

  std::printf("PHOLD through the whole engine vs the bare std::priority_queue loop (CPU time, one thread)\n");
  std::printf("%-10s %4s %12s %14s %14s %8s  %s\n", "nodes", "k", "events", "bare ev/s", "engine ev/s", "ratio",
              "engine event checksum");
  for (const Case& c : cases) {
    PholdConfig cfg;
    cfg.nodes = c.nodes;
    cfg.events_per_node = c.k;
    cfg.timed_events = c.events;
    BarePriorityQueue bare;
    const PholdResult b = run_phold(bare, cfg);

    const EngineRun e = run_engine(c.nodes, c.k, c.events);
    const double engine_rate = static_cast<double>(e.events) / e.cpu_s;
    std::printf("%-10u %4u %12llu %14.3g %14.3g %8.2f  %016llx\n", c.nodes, c.k,
                static_cast<unsigned long long>(e.events), b.events_per_second(), engine_rate,
                engine_rate / b.events_per_second(), static_cast<unsigned long long>(e.checksum));
  }

  if (idle) std::printf("\n%s", idle_lines.c_str());
  return 0;
}

}  // namespace
}  // namespace clocksim::bench

int main(int argc, char** argv) {
  return clocksim::bench::main_refusing_bad_arguments("clocksim_bench_engine", clocksim::bench::run, argc, argv);
}
