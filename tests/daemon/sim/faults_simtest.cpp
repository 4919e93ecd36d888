// The adversary over many seeds: a four-node TSP + Berkeley cluster (tests/daemon/sim/
// sim_cluster.hpp) under a seeded schedule of crashes, restarts and hostile datagrams (recorded
// packets replayed, delivered to the wrong node, bit-flipped, cut short, extended, or noise).
// For every hostile datagram: it is counted as dropped and changes neither the accepted count
// nor the clock. At every step: every datagram a node received is accepted, dropped with a reason
// or a hello, and no clock strays beyond what drift and the configured offsets allow. After
// the faults: one master again, every node following it.
#include <gtest/gtest.h>

#include "tests/daemon/sim/sim_cluster.hpp"

namespace clocksim::daemon::testing {
namespace {

using namespace clocksim::literals;

DaemonConfig tsp_berkeley() {
  DaemonConfig cfg;
  cfg.sync_kind = "berkeley";
  cfg.election_kind = "tsp";
  for (std::string s : {"sync.period=1s", "probe_timeout=50ms", "measure_cap=500ms", "first_round_delay=0",
                        "election.timeout=uniform(1500ms, 3s)", "candidate_window=500ms", "election.ack_timeout=50ms",
                        "refuse_window=2s"}) {
    cfg.params.push_back(std::get<ParamOverride>(parse_param_override(s)));
  }
  return cfg;
}

struct Recorded {
  node::MonoTime at;
  NodeId to;
  std::vector<std::uint8_t> bytes;
};

// Every datagram node i received is accounted for.
void expect_accounted(SimCluster& c, std::size_t i, std::uint64_t seed) {
  const node::Counters& k = c.counters(i);
  EXPECT_EQ(k.packets_in, k.packets_accepted + k.dropped_total() + k.hellos_in) << "seed " << seed << " n" << c.id(i);
}

void run_seed(std::uint64_t seed) {
  SmallRng rng(derive_seed(seed, "daemon_faults"));
  std::vector<SimNodeSpec> nodes;
  for (NodeId id = 1; id <= 4; ++id) {
    const double drift_ppm = static_cast<double>(rng() % 401) - 200;
    const Duration offset = Duration::from_ns(static_cast<std::int64_t>(rng() % 80'000'001) - 40'000'000);
    nodes.push_back({id, drift_ppm, offset, {}});
  }
  SimCluster c(nodes, tsp_berkeley(), SimNetworkSpec{}, seed);
  std::vector<Recorded> recorded;
  c.set_tap([&](NodeId, NodeId to, std::span<const std::uint8_t> bytes) {
    if (recorded.size() < 4000) recorded.push_back({c.now(), to, {bytes.begin(), bytes.end()}});
    return true;
  });
  c.start_all();
  std::uint64_t hostile = 0;
  for (int step = 0; step < 60; ++step) {
    c.run_for(Duration::from_ns(static_cast<std::int64_t>(100'000'000 + rng() % 900'000'000)));
    const std::size_t i = rng() % c.size();
    const unsigned action = static_cast<unsigned>(rng() % 10);
    if (action == 0) {  // a crash, leaving at least two nodes up
      std::size_t up = 0;
      for (std::size_t k = 0; k < c.size(); ++k) up += c.alive(k) ? 1 : 0;
      if (c.alive(i) && up > 2) c.kill_hard(i);
      continue;
    }
    if (action == 1) {
      if (!c.alive(i)) c.start(i);
      continue;
    }
    if (!c.alive(i)) continue;
    // A hostile datagram, made from a packet delivered (or lost) more than 100 ms ago.
    std::vector<std::uint8_t> bytes;
    const Recorded* old = nullptr;
    for (int tries = 0; tries < 8 && !recorded.empty() && !old; ++tries) {
      const Recorded& r = recorded[rng() % recorded.size()];
      if (c.now() - r.at > 100_ms) old = &r;
    }
    if (!old || action == 9) {
      bytes.resize(rng() % 200);
      for (auto& b : bytes) b = static_cast<std::uint8_t>(rng());
    } else {
      bytes = old->bytes;
      switch (action) {
        case 2:
        case 3: break;  // replayed as recorded (to its receiver, or to another node: below)
        case 4:
        case 5: {
          const int flips = 1 + static_cast<int>(rng() % 4);
          const auto original = bytes;
          for (int f = 0; f < flips; ++f) bytes[rng() % bytes.size()] ^= static_cast<std::uint8_t>(1u << (rng() % 8));
          if (bytes == original && !bytes.empty()) bytes.front() ^= 1;
          break;
        }
        case 6: bytes.resize(rng() % bytes.size()); break;
        case 7: bytes.push_back(static_cast<std::uint8_t>(rng())); break;
        default: bytes.insert(bytes.begin(), static_cast<std::uint8_t>(rng())); break;
      }
    }
    const node::Counters before = c.counters(i);
    const Duration offset_before = c.offset(i);
    c.deliver_now(i, bytes);
    ++hostile;
    const node::Counters& after = c.counters(i);
    ASSERT_EQ(after.packets_accepted, before.packets_accepted) << "seed " << seed << ": a hostile datagram was accepted";
    ASSERT_EQ(after.dropped_total(), before.dropped_total() + 1) << "seed " << seed;
    ASSERT_EQ(c.offset(i), offset_before) << "seed " << seed << ": a hostile datagram moved the clock";
    for (std::size_t k = 0; k < c.size(); ++k) {
      if (!c.alive(k)) continue;
      expect_accounted(c, k, seed);
      // Initial offsets within ±40 ms, 200 ppm of drift over about a minute: far below 100 ms.
      ASSERT_LT(abs(c.offset(k)), 100_ms) << "seed " << seed << " n" << c.id(k);
    }
  }
  for (std::size_t k = 0; k < c.size(); ++k) {
    if (!c.alive(k)) c.start(k);
  }
  EXPECT_TRUE(c.run_until([&] { return c.agreed_master().has_value(); }, 60_s)) << "seed " << seed << ": no single master";
  EXPECT_GT(hostile, 10u);
}

class DaemonFaultsSim : public ::testing::TestWithParam<int> {};

// 4 x 250 seeds, in chunks so that ctest -j runs them side by side (about a second each).
TEST_P(DaemonFaultsSim, CrashesRestartsAndHostileDatagramsOverManySeeds) {
  for (std::uint64_t s = 0; s < 250; ++s) {
    run_seed(static_cast<std::uint64_t>(GetParam()) * 250 + s);
    if (HasFatalFailure()) return;
  }
}

INSTANTIATE_TEST_SUITE_P(Seeds, DaemonFaultsSim, ::testing::Range(0, 4));

}  // namespace
}  // namespace clocksim::daemon::testing
