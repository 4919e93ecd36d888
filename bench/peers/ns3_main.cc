// ns-3 (Debian's libns3-dev) running the peer comparison's workloads on its own event scheduler:
// PHOLD (bench/phold.hpp) and the clock-sync star (star.hpp), with the same draws in the same
// order as the bare loop, so the checksums agree. Only ns-3's core (Simulator, its schedulers)
// is used: the workloads are event loads, and no ns-3 network model would draw the same numbers.
//   clocksim_bench_ns3 SCHEDULER phold NODES K EVENTS
//   clocksim_bench_ns3 SCHEDULER star CLIENTS SECONDS [PERIOD_SECONDS]
// SCHEDULER: map (ns-3's default), heap, list, calendar, priority_queue.
#include <cstdio>
#include <cstring>
#include <map>
#include <string>

#include <ns3/nstime.h>
#include <ns3/object-factory.h>
#include <ns3/simulator.h>

#include "bench/peers/measure.hpp"
#include "bench/peers/star.hpp"

namespace clocksim::bench {
namespace {

// The workload state the ns-3 event handlers reach: ns-3 events are free functions with bound
// arguments, so one object per run is passed to them by pointer.
struct PholdRun {
  PholdDraws draws;
  std::uint64_t limit;
  std::uint64_t events = 0;
  std::uint64_t checksum = 0;
};

void phold_event(PholdRun* run, std::uint32_t node) {
  if (run->events == run->limit) {
    ns3::Simulator::Stop();
    return;
  }
  ++run->events;
  run->checksum = mix_checksum(run->checksum, ns3::Simulator::Now().GetNanoSeconds(), node);
  const std::uint32_t dest = run->draws.node();
  ns3::Simulator::Schedule(ns3::NanoSeconds(run->draws.delay().ns()), &phold_event, run, dest);
}

void star_event(StarWorkload* w, StarEvent e);

void star_schedule(StarWorkload* w, std::int64_t at_ns, const StarEvent& e) {
  ns3::Simulator::Schedule(ns3::NanoSeconds(at_ns - ns3::Simulator::Now().GetNanoSeconds()), &star_event, w, e);
}

void star_event(StarWorkload* w, StarEvent e) {
  w->handle(ns3::Simulator::Now().GetNanoSeconds(), e,
            [w](std::int64_t at_ns, const StarEvent& next) { star_schedule(w, at_ns, next); });
}

int run(int argc, char** argv) {
  const std::map<std::string, std::string> schedulers{{"map", "ns3::MapScheduler"},
                                                      {"heap", "ns3::HeapScheduler"},
                                                      {"list", "ns3::ListScheduler"},
                                                      {"calendar", "ns3::CalendarScheduler"},
                                                      {"priority_queue", "ns3::PriorityQueueScheduler"}};
  if (argc < 3 || schedulers.count(argv[1]) == 0) {
    std::fprintf(stderr, "usage: %s map|heap|list|calendar|priority_queue phold NODES K EVENTS | star CLIENTS SECONDS [PERIOD_SECONDS]\n",
                 argv[0]);
    return 2;
  }
  ns3::ObjectFactory factory;
  factory.SetTypeId(schedulers.at(argv[1]));
  ns3::Simulator::SetScheduler(factory);
  const std::string variant = std::string("ns-3 ") + argv[1];

  if (argc == 6 && std::strcmp(argv[2], "phold") == 0) {
    const auto nodes = static_cast<std::uint32_t>(parse_count(argv[3], "NODES", kMaxU32));
    const auto k = static_cast<std::uint32_t>(parse_count(argv[4], "K", kMaxU32));
    PholdRun run{PholdDraws(1, nodes), parse_count(argv[5], "EVENTS", UINT64_MAX)};
    // The initial population, drawn as run_phold draws it: node by node, k each.
    for (std::uint32_t node = 0; node < nodes; ++node)
      for (std::uint32_t j = 0; j < k; ++j)
        ns3::Simulator::Schedule(ns3::NanoSeconds(run.draws.delay().ns()), &phold_event, &run, node);
    const Stopwatch sw;
    ns3::Simulator::Run();
    print_line("phold", variant, run.events, sw.cpu(), sw.wall(), run.checksum);
    ns3::Simulator::Destroy();
    return 0;
  }
  if ((argc == 5 || argc == 6) && std::strcmp(argv[2], "star") == 0) {
    StarConfig cfg;
    cfg.clients = static_cast<std::uint32_t>(parse_count(argv[3], "CLIENTS", kMaxU32));
    cfg.duration_ns = parse_seconds_ns(argv[4], "SECONDS");
    if (argc == 6) cfg.period_ns = parse_seconds_ns(argv[5], "PERIOD_SECONDS");
    StarWorkload w(cfg);
    const Stopwatch sw;
    w.start([&w](std::int64_t at_ns, const StarEvent& e) { star_schedule(&w, at_ns, e); });
    ns3::Simulator::Run();
    print_line("star", variant, w.result().events, sw.cpu(), sw.wall(), w.result().checksum);
    ns3::Simulator::Destroy();
    return 0;
  }
  std::fprintf(stderr, "usage: %s SCHEDULER phold NODES K EVENTS | star CLIENTS SECONDS [PERIOD_SECONDS]\n", argv[0]);
  return 2;
}

}  // namespace
}  // namespace clocksim::bench

int main(int argc, char** argv) {
  return clocksim::bench::main_refusing_bad_arguments("clocksim_bench_ns3", clocksim::bench::run, argc, argv);
}
