// Failover time and messages per election, for each election kind at several cluster sizes, on
// the in-test network (latency uniform 1-5 ms, no loss, no sync layer). Prints a Markdown table
// next to the message count each algorithm's textbook formula predicts (docs/bounds.md §6).
//
//   election_failover_table [SEEDS] [SIZES...]      (default: 20 seeds, sizes 8 64 512)
//
// A run: start every node, let the first election settle (60 s), crash the master, and run
// until every live node follows one new master. Failover time = crash to the winner's
// became-master note. Messages = election-layer sends (one per receiver) from the crash until
// 0.5 s after that (answers still in flight), leaving out the periodic failure-detection traffic (heartbeats, TSP LOOP), which is
// reported per second of operation instead.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "algorithms/election/election_factory.hpp"
#include "tests/algorithms/testing/election_helpers.hpp"
#include "tests/algorithms/testing/test_network.hpp"

namespace {

using namespace clocksim;
using namespace clocksim::literals;
using clocksim::testing::TestNetwork;

struct Sample {
  double failover_s = 0;
  std::size_t messages = 0;
  bool ok = false;
};

Sample run_once(const std::string& kind, std::size_t n, std::uint64_t seed) {
  TestNetwork net(1_ms, 5_ms, derive_seed(seed, "latency"));
  for (NodeId i = 0; i < n; ++i) {
    auto s = clocksim::testing::setup_for(kind, i, n, seed);
    if (kind == "tsp") {  // timed's timers scaled to seconds; LOOP doubles as the keepalive
      s.params.set("timeout", DurationRange{6_s, 15_s});
      s.params.set("refuse_window", 3_s);
      s.params.set("loop_period", 4_s);
    }
    if (kind == "standby") s.params.set("primary", std::int64_t{static_cast<std::int64_t>(n - 1)});
    if (kind == "standby") s.params.set("secondary", std::int64_t{static_cast<std::int64_t>(n - 2)});
    net.add(election::make_election(kind, s));
  }
  net.start_all();
  net.run_until(60_s);
  Sample out;
  const auto masters = net.masters();
  if (masters.size() != 1) return out;
  const NodeId old = masters[0];
  net.crash(old);
  const Duration crashed_at = net.now();
  const std::size_t sent_before = net.sent().size();
  const std::size_t notes_before = net.notes().size();
  for (Duration t = crashed_at; t < crashed_at + 60_s; t += 10_ms) {
    net.run_until(t);
    const auto m = net.masters();
    if (m.size() == 1 && m[0] != old && net.all_follow(m[0])) {
      net.run_for(500_ms);  // the answers still in flight (TSP's SLAVEUPs after their jitter)
      for (std::size_t i = notes_before; i < net.notes().size(); ++i) {
        const auto& note = net.notes()[i];
        if (note.note.kind() == EventKind::kBecameMaster && note.node == m[0]) out.failover_s = (note.at - crashed_at).seconds();
      }
      for (std::size_t i = sent_before; i < net.sent().size(); ++i) {
        const auto type = net.sent()[i].msg.type;
        if (type != MsgType::kHeartbeat && type != MsgType::kLoop) ++out.messages;
      }
      out.ok = true;
      return out;
    }
  }
  return out;
}

double formula(const std::string& kind, std::size_t n) {
  const double N = static_cast<double>(n);
  if (kind == "tsp") return 5 * N - 8;  // ELECTION n-1, ACCEPT+ACK 2(n-2), MASTERUP n-1, SLAVEUP n-2
  if (kind == "bully") return N * (N - 1) / 2 + (N - 1) * (N - 2) / 2 + (N - 1);  // all detect at once
  // (2m-1) ELECTION + m ELECTED, each acked, plus hop_sends (2) unanswered sends to the dead
  // node by each of the two messages that must pass it.
  if (kind == "ring") return 2 * ((2 * (N - 1) - 1) + (N - 1)) + 4;
  return 0;                                                      // standby: no election messages
}

const char* formula_text(const std::string& kind) {
  if (kind == "tsp") return "5n-8 (O(n))";
  if (kind == "bully") return "n(n-1)/2 + (n-1)(n-2)/2 + (n-1) (O(n^2))";
  if (kind == "ring") return "2[(2m-1) + m] + 2 hop_sends, m = n-1 (O(n))";
  return "0";
}

}  // namespace

int main(int argc, char** argv) {
  const std::uint64_t seeds = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 20;
  std::vector<std::size_t> sizes;
  for (int i = 2; i < argc; ++i) sizes.push_back(std::strtoull(argv[i], nullptr, 10));
  if (sizes.empty()) sizes = {8, 64, 512};
  std::printf("| election | n | failover median (s) | failover worst (s) | messages median | messages worst | formula | formula value |\n");
  std::printf("|---|---|---|---|---|---|---|---|\n");
  for (const std::string kind : {"tsp", "bully", "ring", "standby"}) {
    for (std::size_t n : sizes) {
      std::vector<double> times;
      std::vector<std::size_t> msgs;
      std::size_t failed = 0;
      for (std::uint64_t seed = 1; seed <= seeds; ++seed) {
        const Sample s = run_once(kind, n, seed);
        if (!s.ok) {
          ++failed;
          continue;
        }
        times.push_back(s.failover_s);
        msgs.push_back(s.messages);
      }
      if (times.empty()) {
        std::printf("| %s | %zu | no failover completed | | | | | |\n", kind.c_str(), n);
        continue;
      }
      std::sort(times.begin(), times.end());
      std::sort(msgs.begin(), msgs.end());
      std::printf("| %s | %zu | %.3f | %.3f | %zu | %zu | %s | %.0f |%s\n", kind.c_str(), n, times[times.size() / 2],
                  times.back(), msgs[msgs.size() / 2], msgs.back(), formula_text(kind), formula(kind, n),
                  failed ? (" " + std::to_string(failed) + " runs did not settle").c_str() : "");
      std::fflush(stdout);
    }
  }
  return 0;
}
