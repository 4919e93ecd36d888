// PHOLD (Fujimoto 1990) in the form the benchmarks use: N nodes; every handled event schedules one more
// at a uniformly random node after 1 ms + exponential(mean 1 ms); the initial population is k
// events per node, drawn the same way from time 0.
//
// The workload is written once, against a two-call scheduler interface, so every variant (a bare
// std::priority_queue, each EventQueue policy, and later the full engine) consumes exactly the
// same random draws in the same order:
//   void schedule(sim::Time at, std::uint32_t node);
//   bool next(sim::Time& at, std::uint32_t& node);   // false when nothing is pending
// A variant that cannot be expressed that way (e.g. a World whose nodes run a PHOLD algorithm)
// can still use PholdDraws directly to draw the same numbers, and return a PholdResult.
#pragma once

#include <boost/random/exponential_distribution.hpp>
#include <boost/random/uniform_int_distribution.hpp>
#include <chrono>
#include <cstdint>
#include <ctime>

#include "algorithms/core/rng.hpp"
#include "sim/time.hpp"

namespace clocksim::bench {

struct PholdConfig {
  std::uint32_t nodes = 1000;
  std::uint32_t events_per_node = 1;  // k: initial (and steady) population per node
  std::uint64_t warmup_events = 0;    // handled before the clock starts (reach steady state)
  std::uint64_t timed_events = 1'000'000;
  std::uint64_t seed = 1;
  // 0: PHOLD. Otherwise the bursty shape of a synchronization round: a handled event schedules the
  // next one in the following round, at the round's start (a multiple of this period) plus the
  // same 1 ms + exp(1 ms) delay, so every node's event of a round lands in a few milliseconds
  // (the star of the peer comparison, Berkeley's rounds) and the queue sits idle in between.
  std::int64_t round_period_ns = 0;
  // 0: no timers. Otherwise the timer-heavy shape of failure detectors and elections
  // (run_timer_heavy): every node also keeps one failure timer, and each message a node receives
  // re-arms it (cancel + arm) to fire this long + one more delay draw later; few ever fire.
  std::int64_t failure_timeout_ns = 0;
};

inline sim::Time next_at(const PholdConfig& cfg, sim::Time now, Duration delay) {
  if (cfg.round_period_ns <= 0) return now + delay;
  const std::int64_t round_start = (now.ns() / cfg.round_period_ns + 1) * cfg.round_period_ns;
  return sim::Time::from_ns(round_start) + delay;
}

struct PholdResult {
  std::uint64_t events = 0;    // timed events handled
  double seconds = 0;          // CPU time of the timed part (this thread)
  double wall_seconds = 0;     // wall time of the timed part
  std::uint64_t checksum = 0;  // over the timed (time, node) sequence
  std::int64_t end_time_ns = 0;
  double events_per_second() const { return seconds > 0 ? static_cast<double>(events) / seconds : 0; }
};

// CPU time of the calling thread: on a machine shared with other jobs, wall time measures the
// neighbours as much as the queue.
inline double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// The random draws of PHOLD, from one named stream of the root seed.
class PholdDraws {
 public:
  PholdDraws(std::uint64_t seed, std::uint32_t nodes)
      : rng_(derive_seed(seed, "phold")), node_(0, nodes - 1), exp_ms_(1.0) {}

  std::uint32_t node() { return node_(rng_); }
  // 1 ms + exponential(mean 1 ms), in whole nanoseconds (truncated).
  Duration delay() {
    return Duration::from_ns(1'000'000 + static_cast<std::int64_t>(exp_ms_(rng_) * 1e6));
  }

 private:
  Rng rng_;
  boost::random::uniform_int_distribution<std::uint32_t> node_;
  boost::random::exponential_distribution<double> exp_ms_;
};

inline std::uint64_t mix_checksum(std::uint64_t sum, std::int64_t t_ns, std::uint32_t node) {
  return mix64(sum ^ static_cast<std::uint64_t>(t_ns) ^ (std::uint64_t{node} << 40));
}

template <class Scheduler>
PholdResult run_phold(Scheduler& sched, const PholdConfig& cfg) {
  PholdDraws draws(cfg.seed, cfg.nodes);
  for (std::uint32_t node = 0; node < cfg.nodes; ++node) {
    for (std::uint32_t j = 0; j < cfg.events_per_node; ++j) {
      sched.schedule(sim::Time::epoch() + draws.delay(), node);
    }
  }
  sim::Time at;
  std::uint32_t node = 0;
  for (std::uint64_t i = 0; i < cfg.warmup_events && sched.next(at, node); ++i) {
    const std::uint32_t dest = draws.node();  // same draw order as the timed loop
    sched.schedule(next_at(cfg, at, draws.delay()), dest);
  }
  PholdResult r;
  const auto start = std::chrono::steady_clock::now();
  const double cpu_start = thread_cpu_seconds();
  for (; r.events < cfg.timed_events && sched.next(at, node); ++r.events) {
    r.checksum = mix_checksum(r.checksum, at.ns(), node);
    const std::uint32_t dest = draws.node();
    sched.schedule(next_at(cfg, at, draws.delay()), dest);
  }
  r.seconds = thread_cpu_seconds() - cpu_start;
  r.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  r.end_time_ns = at.ns();
  return r;
}

// Event ids of run_timer_heavy: a node's failure timer is reported as node | kTimerBit.
inline constexpr std::uint32_t kTimerBit = 0x8000'0000U;

// PHOLD plus one failure timer per node, as heartbeats and election timeouts behave: a message
// handled at a node re-arms that node's timer (the scheduler cancels the pending one), a timer that
// fires re-arms itself. The scheduler needs a third call, replacing the node's pending timer:
//   void rearm(sim::Time at, std::uint32_t node);   // next() then reports node | kTimerBit
template <class Scheduler>
PholdResult run_timer_heavy(Scheduler& sched, const PholdConfig& cfg) {
  PholdDraws draws(cfg.seed, cfg.nodes);
  const Duration timeout = Duration::from_ns(cfg.failure_timeout_ns);
  for (std::uint32_t node = 0; node < cfg.nodes; ++node) {
    for (std::uint32_t j = 0; j < cfg.events_per_node; ++j) {
      sched.schedule(sim::Time::epoch() + draws.delay(), node);
    }
    sched.rearm(sim::Time::epoch() + timeout + draws.delay(), node);
  }
  sim::Time at;
  std::uint32_t id = 0;
  auto handle = [&] {
    const std::uint32_t node = id & ~kTimerBit;
    if ((id & kTimerBit) == 0) {
      const std::uint32_t dest = draws.node();
      sched.schedule(at + draws.delay(), dest);
    }
    sched.rearm(at + timeout + draws.delay(), node);
  };
  for (std::uint64_t i = 0; i < cfg.warmup_events && sched.next(at, id); ++i) handle();
  PholdResult r;
  const auto start = std::chrono::steady_clock::now();
  const double cpu_start = thread_cpu_seconds();
  for (; r.events < cfg.timed_events && sched.next(at, id); ++r.events) {
    r.checksum = mix_checksum(r.checksum, at.ns(), id);
    handle();
  }
  r.seconds = thread_cpu_seconds() - cpu_start;
  r.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  r.end_time_ns = at.ns();
  return r;
}

}  // namespace clocksim::bench
