// clocksim_bench_phold: events per second and memory of each event-queue variant on PHOLD, the
// bursty rounds shape and the timer-heavy shape (bench/phold.hpp), all in one process with the
// same draws, against a bare std::priority_queue loop.
//
//   clocksim_bench_phold            the full table (bench/run.sh builds Release and runs this)
//   clocksim_bench_phold --smoke    tiny sizes, one repetition: checks it runs, not how fast
//   clocksim_bench_phold --reps 5   best of 5 interleaved repetitions per case (default 2)
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>


#include "bench/phold.hpp"
#include "bench/phold_schedulers.hpp"

namespace clocksim::bench {
namespace {

struct Measurement {
  PholdResult result;
  std::size_t pending = 0;
  std::size_t capacity_bytes = 0;  // what the scheduler's buffers hold (capacity, not size)
  long start_rss_bytes = 0;        // resident memory before the scheduler existed
  long peak_rss_bytes = 0;         // ru_maxrss of the process that ran this variant alone
};
static_assert(std::is_trivially_copyable_v<Measurement>);

long resident_bytes() {
  std::ifstream statm("/proc/self/statm");
  long total_pages = 0, resident_pages = 0;
  statm >> total_pages >> resident_pages;
  return resident_pages * sysconf(_SC_PAGESIZE);
}

template <class Scheduler>
Measurement measure_here(const PholdConfig& cfg) {
  Measurement m;
  m.start_rss_bytes = resident_bytes();
  auto sched = std::make_unique<Scheduler>();
  m.result = cfg.failure_timeout_ns > 0 ? run_timer_heavy(*sched, cfg) : run_phold(*sched, cfg);
  m.pending = sched->pending();
  m.capacity_bytes = sched->memory_bytes();
  return m;
}

// Runs one variant in a forked child, so that its peak resident memory (ru_maxrss from wait4) is
// its own and not the high-water mark of whichever variant ran before it.
template <class Scheduler>
Measurement measure(const PholdConfig& cfg) {
  int fds[2];
  if (pipe(fds) != 0) std::abort();
  const pid_t pid = fork();
  if (pid < 0) std::abort();
  if (pid == 0) {
    close(fds[0]);
    const Measurement m = measure_here<Scheduler>(cfg);
    const ssize_t written = write(fds[1], &m, sizeof m);
    _exit(written == static_cast<ssize_t>(sizeof m) ? 0 : 1);
  }
  close(fds[1]);
  Measurement m;
  char* out = reinterpret_cast<char*>(&m);
  std::size_t got = 0;
  while (got < sizeof m) {
    const ssize_t n = read(fds[0], out + got, sizeof m - got);
    if (n <= 0) break;
    got += static_cast<std::size_t>(n);
  }
  close(fds[0]);
  int status = 0;
  rusage usage{};
  wait4(pid, &status, 0, &usage);
  if (got != sizeof m || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::fprintf(stderr, "error: benchmark child failed\n");
    std::exit(1);
  }
  m.peak_rss_bytes = usage.ru_maxrss * 1024L;
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
      {"EventQueue<LadderQueue>", true, &measure<EventQueueScheduler<sim::queue::LadderQueue>>},
  };
}

struct Case {
  const char* name;
  PholdConfig cfg;
};

std::vector<Case> cases(bool smoke) {
  if (smoke) {
    return {{"N=100 k=1", {100, 1, 1'000, 10'000, 1}},
            {"N=1000 k=10", {1000, 10, 10'000, 20'000, 1}},
            {"timers 1e3", {1000, 1, 10'000, 20'000, 1, 0, 10'000'000}}};
  }
  return {
      {"N=1e3 k=1", {1'000, 1, 100'000, 3'000'000, 1}},
      {"N=1e3 k=10", {1'000, 10, 100'000, 3'000'000, 1}},
      {"N=1e5 k=10", {100'000, 10, 1'000'000, 4'000'000, 1}},
      {"N=1e6 k=1", {1'000'000, 1, 1'000'000, 4'000'000, 1}},
      {"N=1e6 k=10", {1'000'000, 10, 1'000'000, 3'000'000, 1}},
      {"rounds 1e4", {10'000, 1, 100'000, 3'000'000, 1, 1'000'000'000}},
      {"rounds 1e5", {100'000, 1, 1'000'000, 4'000'000, 1, 1'000'000'000}},
      {"timers 1e4", {10'000, 1, 100'000, 3'000'000, 1, 0, 10'000'000}},
      {"timers 1e5", {100'000, 1, 1'000'000, 4'000'000, 1, 0, 10'000'000}},
  };
}

int run(int argc, char** argv) {
  bool smoke = false;
  int reps = 2;
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

  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // rows appear as they are measured, even in a pipe
  auto vs = variants();
  if (!only_variant.empty()) {
    vs.erase(std::remove_if(vs.begin() + 1, vs.end(),
                            [&](const Variant& v) { return std::string(v.name).find(only_variant) == std::string::npos; }),
             vs.end());
  }
  bool agree = true;
  std::printf("PHOLD: each handled event schedules one more at a uniform random node after 1 ms + "
              "exp(mean 1 ms); rounds: the same, but in the next 1 s round (bursts of N events); timers: PHOLD "
              "where each node also keeps a failure timer that every message it receives re-arms (cancel + "
              "arm 10 ms + 1 ms + exp(1 ms) later; few fire); best of %d interleaved runs per variant\n\n", reps);
  std::printf("%-11s %-27s %9s %12s %6s %13s %9s %9s %9s %6s\n", "case", "variant", "pending",
              "events/cpu-s", "ratio", "events/wall-s", "B/pending", "peak MiB", "peak B/pe", "check");
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
      std::printf("%-11s %-27s %9zu %12.0f %6.2f %13.0f %9.1f %9.1f %9.1f %6s\n", c.name, vs[v].name,
                  m.pending, m.result.events_per_second(), m.result.events_per_second() / reference,
                  wall_rate, static_cast<double>(m.capacity_bytes) / pending,
                  static_cast<double>(m.peak_rss_bytes) / (1024.0 * 1024.0),
                  static_cast<double>(m.peak_rss_bytes - m.start_rss_bytes) / pending, check);
    }
    std::printf("\n");
  }
  std::printf("events/cpu-s: timed events per second of this thread's CPU time (the machine may be\n"
              "shared); ratio: events/cpu-s over the bare std::priority_queue's, best run each.\n");
  std::printf("B/pending: scheduler buffer capacity per pending event (final, without malloc overhead).\n"
              "peak MiB: ru_maxrss of a child process that ran only this variant (best run); peak B/pe:\n"
              "that peak minus the child's starting RSS, per pending event (includes growth transients).\n"
              "check: the (time, seq)-ordered variants popped the same event sequence (the bare queue\n"
              "breaks ties by node id, so it may differ).\n");
  if (!agree) {
    std::fprintf(stderr, "error: EventQueue variants disagree on the event order\n");
    return 1;
  }
  return 0;
}

}  // namespace
}  // namespace clocksim::bench

int main(int argc, char** argv) { return clocksim::bench::run(argc, argv); }
