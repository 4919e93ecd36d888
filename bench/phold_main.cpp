// clocksim_bench_phold: events per second and memory of each event-queue variant on PHOLD,
// all in one process with the same draws, against a bare std::priority_queue loop (issue 2).
//
//   clocksim_bench_phold            the full table (bench/run.sh builds Release and runs this)
//   clocksim_bench_phold --smoke    tiny sizes, one repetition: checks it runs, not how fast
//   clocksim_bench_phold --reps 5   best of 5 interleaved repetitions per case (default 3)
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include "bench/phold.hpp"
#include "bench/phold_schedulers.hpp"

namespace clocksim::bench {
namespace {

struct Measurement {
  PholdResult result;
  std::size_t pending = 0;
  std::size_t capacity_bytes = 0;  // what the scheduler's buffers hold (capacity, not size)
  long rss_delta_bytes = 0;        // resident memory the scheduler added, measured by the OS
};

long resident_bytes() {
  std::ifstream statm("/proc/self/statm");
  long total_pages = 0, resident_pages = 0;
  statm >> total_pages >> resident_pages;
  return resident_pages * sysconf(_SC_PAGESIZE);
}

template <class Scheduler>
Measurement measure(const PholdConfig& cfg) {
  const long rss_before = resident_bytes();
  auto sched = std::make_unique<Scheduler>();
  Measurement m;
  m.result = run_phold(*sched, cfg);
  m.pending = sched->pending();
  m.capacity_bytes = sched->memory_bytes();
  m.rss_delta_bytes = resident_bytes() - rss_before;
  return m;
}

// The variants, in print order. The first is the reference the ratios are taken against. To add
// the full engine later: append {"engine (World + PHOLD nodes)", &run_engine_phold} where
// run_engine_phold(const PholdConfig&) builds a World and drives it with PholdDraws.
struct Variant {
  const char* name;
  bool deterministic_fifo;  // takes part in the checksum agreement check
  std::function<Measurement(const PholdConfig&)> run;
};

std::vector<Variant> variants() {
  return {
      {"std::priority_queue (bare)", false, &measure<BarePriorityQueue>},
      {"EventQueue<BinaryHeap>", true, &measure<EventQueueScheduler<sim::queue::BinaryHeap>>},
      {"EventQueue<QuaternaryHeap>", true, &measure<EventQueueScheduler<sim::queue::QuaternaryHeap>>},
      {"EventQueue<CalendarQueue>", true, &measure<EventQueueScheduler<sim::queue::CalendarQueue>>},
  };
}

struct Case {
  const char* name;
  PholdConfig cfg;
};

std::vector<Case> cases(bool smoke) {
  if (smoke) {
    return {{"N=100 k=1", {100, 1, 1'000, 10'000, 1}}, {"N=1000 k=10", {1000, 10, 10'000, 20'000, 1}}};
  }
  return {
      {"N=1e3 k=1", {1'000, 1, 100'000, 3'000'000, 1}},
      {"N=1e3 k=10", {1'000, 10, 100'000, 3'000'000, 1}},
      {"N=1e5 k=10", {100'000, 10, 1'000'000, 4'000'000, 1}},
      {"N=1e6 k=1", {1'000'000, 1, 1'000'000, 4'000'000, 1}},
      {"N=1e6 k=10", {1'000'000, 10, 2'000'000, 4'000'000, 1}},
  };
}

int run(int argc, char** argv) {
  bool smoke = false;
  int reps = 3;
  std::string only;          // run only cases whose name contains this
  std::string only_variant;  // and only variants whose name contains this (plus the reference)
  std::uint64_t timed_events = 0;  // overrides each case's count when set
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--smoke") == 0) {
      smoke = true;
      reps = 1;
    } else if (std::strcmp(argv[i], "--reps") == 0 && i + 1 < argc) {
      reps = std::max(1, std::atoi(argv[++i]));
    } else if (std::strcmp(argv[i], "--events") == 0 && i + 1 < argc) {
      timed_events = std::strtoull(argv[++i], nullptr, 10);
    } else if (std::strcmp(argv[i], "--variant") == 0 && i + 1 < argc) {
      only_variant = argv[++i];
    } else if (std::strcmp(argv[i], "--case") == 0 && i + 1 < argc) {
      only = argv[++i];
    } else {
      std::fprintf(stderr, "usage: %s [--smoke] [--reps N] [--case SUBSTRING] [--variant SUBSTRING] [--events TIMED_EVENTS]\n", argv[0]);
      return 2;
    }
  }
#if defined(__GLIBC__)
  // Large buffers straight from mmap, so that freeing one variant's queue really returns its
  // memory and the next variant's resident-memory delta starts from the same baseline.
  mallopt(M_MMAP_THRESHOLD, 256 * 1024);
#endif

  auto vs = variants();
  if (!only_variant.empty()) {
    vs.erase(std::remove_if(vs.begin() + 1, vs.end(),
                            [&](const Variant& v) { return std::string(v.name).find(only_variant) == std::string::npos; }),
             vs.end());
  }
  bool agree = true;
  std::printf("PHOLD: each handled event schedules one more at a uniform random node after 1 ms + "
              "exp(mean 1 ms); best of %d interleaved runs per variant\n\n", reps);
  std::printf("%-11s %-28s %9s %12s %7s %12s %10s %9s %6s\n", "case", "variant", "pending",
              "events/cpu-s", "ratio", "events/wall-s", "B/pending", "RSS B/pe", "check");
  for (Case c : cases(smoke)) {
    if (!only.empty() && std::string(c.name).find(only) == std::string::npos) continue;
    if (timed_events != 0) c.cfg.timed_events = timed_events;
    std::vector<Measurement> best(vs.size());
    for (int rep = 0; rep < reps; ++rep) {
      for (std::size_t v = 0; v < vs.size(); ++v) {
        Measurement m = vs[v].run(c.cfg);
        if (rep == 0 || m.result.events_per_second() > best[v].result.events_per_second()) best[v] = m;
      }
    }
    const double reference = best[0].result.events_per_second();
    std::uint64_t fifo_checksum = 0;
    bool have_fifo = false;
    for (std::size_t v = 0; v < vs.size(); ++v) {
      const Measurement& m = best[v];
      const char* check = "-";
      if (vs[v].deterministic_fifo) {
        if (!have_fifo) fifo_checksum = m.result.checksum;
        have_fifo = true;
        const bool same = m.result.checksum == fifo_checksum;
        agree = agree && same;
        check = same ? "same" : "DIFF";
      }
      const double pending = static_cast<double>(std::max<std::size_t>(m.pending, 1));
      const double wall_rate = static_cast<double>(m.result.events) / m.result.wall_seconds;
      std::printf("%-11s %-28s %9zu %12.0f %7.2f %12.0f %10.1f %9.1f %6s\n", c.name, vs[v].name,
                  m.pending, m.result.events_per_second(), m.result.events_per_second() / reference,
                  wall_rate,
                  static_cast<double>(m.capacity_bytes) / pending,
                  static_cast<double>(m.rss_delta_bytes) / pending, check);
    }
    std::printf("\n");
  }
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  std::printf("peak RSS of the whole process (ru_maxrss): %.1f MiB\n", static_cast<double>(usage.ru_maxrss) / 1024.0);
  std::printf("events/cpu-s: timed events per second of this thread's CPU time (the machine may be\n"
              "shared); ratio: events/cpu-s over the bare std::priority_queue's, best run each.\n");
  std::printf("B/pending: scheduler buffer capacity per pending event; RSS B/pe: resident memory the\n"
              "scheduler added, per pending event. check: the (time, seq)-ordered variants popped the\n"
              "same event sequence (the bare queue breaks ties by node id, so it may differ).\n");
  if (!agree) {
    std::fprintf(stderr, "error: EventQueue variants disagree on the event order\n");
    return 1;
  }
  return 0;
}

}  // namespace
}  // namespace clocksim::bench

int main(int argc, char** argv) { return clocksim::bench::run(argc, argv); }
