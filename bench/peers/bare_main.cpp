// The bare loops of the peer comparison (bench/peers.sh): a std::priority_queue and nothing else,
// running PHOLD (bench/phold.hpp) or the clock-sync star (star.hpp) with the same draws as the
// ns-3 harness, so their checksums must agree.
//   clocksim_bench_bare phold NODES K EVENTS
//   clocksim_bench_bare star CLIENTS SECONDS [PERIOD_SECONDS]   (a request per client per period, 1 s by default)
#include <cstdlib>
#include <cstring>
#include <queue>
#include <vector>

#include "bench/peers/measure.hpp"
#include "bench/peers/star.hpp"

namespace clocksim::bench {
namespace {

// Later by (time, insertion order). Written as a short-circuit test on purpose: it compiles to a
// conditional branch, so while one level of a sift-down waits for memory the processor already
// loads the level below along the predicted path. A select (`a != b ? a > b : ...`, or bitwise
// operators) compiles to a conditional move that makes every level wait for the one above: on a
// heap that does not fit in cache (PHOLD at 10^6 pending) that form made this loop 2.5x slower
// and no longer the floor it is meant to be.
template <class T>
bool later(const T& a, const T& b) {
  return a.at_ns > b.at_ns || (a.at_ns == b.at_ns && a.seq > b.seq);
}

struct Pending {
  std::int64_t at_ns;
  std::uint64_t seq;
  StarEvent event;
  bool operator>(const Pending& o) const { return later(*this, o); }
};

// PHOLD's bare loop, ties in time broken by insertion order as in ns-3 and in the engine.
class BareQueue {
 public:
  void schedule(sim::Time at, std::uint32_t node) { heap_.push(Entry{at.ns(), seq_++, node}); }
  bool next(sim::Time& at, std::uint32_t& node) {
    if (heap_.empty()) return false;
    at = sim::Time::from_ns(heap_.top().at_ns);
    node = heap_.top().node;
    heap_.pop();
    return true;
  }

 private:
  struct Entry {
    std::int64_t at_ns;
    std::uint64_t seq;
    std::uint32_t node;
    bool operator>(const Entry& o) const { return later(*this, o); }
  };
  std::priority_queue<Entry, std::vector<Entry>, std::greater<>> heap_;
  std::uint64_t seq_ = 0;
};

int run(int argc, char** argv) {
  if (argc == 5 && std::strcmp(argv[1], "phold") == 0) {
    PholdConfig cfg;
    cfg.nodes = static_cast<std::uint32_t>(parse_count(argv[2], "NODES", kMaxU32));
    cfg.events_per_node = static_cast<std::uint32_t>(parse_count(argv[3], "K", kMaxU32));
    cfg.timed_events = parse_count(argv[4], "EVENTS", UINT64_MAX);
    BareQueue bare;
    const PholdResult r = run_phold(bare, cfg);
    print_line("phold", "bare", r.events, r.seconds, r.wall_seconds, r.checksum);
    return 0;
  }
  if ((argc == 4 || argc == 5) && std::strcmp(argv[1], "star") == 0) {
    StarConfig cfg;
    cfg.clients = static_cast<std::uint32_t>(parse_count(argv[2], "CLIENTS", kMaxU32));
    cfg.duration_ns = parse_seconds_ns(argv[3], "SECONDS");
    if (argc == 5) cfg.period_ns = parse_seconds_ns(argv[4], "PERIOD_SECONDS");
    StarWorkload w(cfg);
    std::priority_queue<Pending, std::vector<Pending>, std::greater<>> q;
    std::uint64_t seq = 0;
    auto schedule = [&](std::int64_t at_ns, const StarEvent& e) { q.push(Pending{at_ns, seq++, e}); };
    const Stopwatch sw;
    w.start(schedule);
    while (!q.empty()) {
      const Pending p = q.top();
      q.pop();
      w.handle(p.at_ns, p.event, schedule);
    }
    print_line("star", "bare", w.result().events, sw.cpu(), sw.wall(), w.result().checksum);
    return 0;
  }
  std::fprintf(stderr, "usage: %s phold NODES K EVENTS | star CLIENTS SECONDS [PERIOD_SECONDS]\n", argv[0]);
  return 2;
}

}  // namespace
}  // namespace clocksim::bench

int main(int argc, char** argv) {
  return clocksim::bench::main_refusing_bad_arguments("clocksim_bench_bare", clocksim::bench::run, argc, argv);
}
