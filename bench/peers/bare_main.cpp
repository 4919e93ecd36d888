// The bare loops of the peer comparison (bench/peers.sh): a std::priority_queue and nothing else,
// running PHOLD (bench/phold.hpp) or the clock-sync star (star.hpp) with the same draws as the
// ns-3 harness, so their checksums must agree.
//   clocksim_bench_bare phold NODES K EVENTS
//   clocksim_bench_bare star CLIENTS SECONDS
#include <cstdlib>
#include <cstring>
#include <queue>
#include <vector>

#include "bench/peers/measure.hpp"
#include "bench/peers/star.hpp"

namespace clocksim::bench {
namespace {

struct Pending {
  std::int64_t at_ns;
  std::uint64_t seq;
  StarEvent event;
  bool operator>(const Pending& o) const { return at_ns != o.at_ns ? at_ns > o.at_ns : seq > o.seq; }
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
    bool operator>(const Entry& o) const { return at_ns != o.at_ns ? at_ns > o.at_ns : seq > o.seq; }
  };
  std::priority_queue<Entry, std::vector<Entry>, std::greater<>> heap_;
  std::uint64_t seq_ = 0;
};

int run(int argc, char** argv) {
  if (argc == 5 && std::strcmp(argv[1], "phold") == 0) {
    PholdConfig cfg;
    cfg.nodes = static_cast<std::uint32_t>(std::stoul(argv[2]));
    cfg.events_per_node = static_cast<std::uint32_t>(std::stoul(argv[3]));
    cfg.timed_events = std::stoull(argv[4]);
    BareQueue bare;
    const PholdResult r = run_phold(bare, cfg);
    print_line("phold", "bare", r.events, r.seconds, r.wall_seconds, r.checksum);
    return 0;
  }
  if (argc == 4 && std::strcmp(argv[1], "star") == 0) {
    StarConfig cfg;
    cfg.clients = static_cast<std::uint32_t>(std::stoul(argv[2]));
    cfg.duration_ns = std::stoll(argv[3]) * 1'000'000'000;
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
  std::fprintf(stderr, "usage: %s phold NODES K EVENTS | star CLIENTS SECONDS\n", argv[0]);
  return 2;
}

}  // namespace
}  // namespace clocksim::bench

int main(int argc, char** argv) { return clocksim::bench::run(argc, argv); }
