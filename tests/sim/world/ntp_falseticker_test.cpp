// An NTP client whose four stratum-1 servers include a two-faced liar that answers first: the
// client starts when the servers are established, and for its first seconds only the liar can
// reach it. The first clock update must wait for the honest three and never move toward the liar.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <string>

#include "sim/scenario/loader.hpp"
#include "sim/world/world.hpp"

namespace clocksim::sim {
namespace ntp_falseticker_test {

constexpr NodeId kClient = 4;

class ClientWatch final : public Observer {
 public:
  void on_tick(const TickView& view) override {
    if (view.now().ns() < 200'000'000'000) return;  // the client is down until 200 s
    const auto s = view.node(kClient);
    worst_offset_ns = std::max<std::int64_t>(worst_offset_ns, std::llabs(s.offset_ns));
  }
  void on_event(Time, NodeId node, const Note& note) override {
    if (node != kClient) return;
    if (note.what == NoteWhat::kNtpStepped) ++steps;
    if (note.what == NoteWhat::kNtpStartupWait) ++waits;
  }
  std::int64_t worst_offset_ns = 0;
  int steps = 0;
  int waits = 0;
};

ClientWatch run(const std::string& extra_sync_params) {
  const auto spec = scenario::load_scenario_text(R"yaml(
duration: 15m
tick: 1s
nodes:
  - {name: s1, reference_clock: "uniform(-20us, 20us)"}
  - {name: s2, reference_clock: "uniform(-20us, 20us)"}
  - {name: s3, reference_clock: "uniform(-20us, 20us)"}
  - {name: liar, reference_clock: "uniform(-20us, 20us)"}
  - {name: c1, servers: [s1, s2, s3, liar]}
clocks:
  initial_offset: uniform(-1ms, 1ms)
  drift_ppm: uniform(-20, 20)
topology: full_mesh
links:
  latency: uniform(500us, 3ms)
algorithm:
  sync: {kind: ntp, minpoll: 3, maxpoll: 6, stepout: 60s)yaml" + extra_sync_params + R"yaml(}
faults:
  - {at: 0s, byzantine: {node: liar, mode: two_faced, lie: 150ms, told_behind: [s1]}}
  - {at: 0s, crash: c1, until: 200s}
  - {at: 0s, partition: [[c1, liar], rest], until: 206s}
)yaml",
                                                 "liar-first.yaml");
  World world(spec);
  ClientWatch watch;
  world.add_observer(&watch);
  world.run_until(world.end());
  return watch;
}

TEST(NtpFalseticker, LiarAnsweringFirstNeverMovesTheClient) {
  const ClientWatch w = run("");
  EXPECT_EQ(w.waits, 1);
  EXPECT_EQ(w.steps, 0);
  EXPECT_LT(w.worst_offset_ns, 5'000'000);  // its own start offset and the honest servers' spread
}

// The same start without the wait follows the liar's 150 ms, then steps back and forth: what the
// wait prevents.
TEST(NtpFalseticker, WithoutTheWaitTheClientStepsTowardTheLiar) {
  const ClientWatch w = run(", startup_wait: 0s");
  EXPECT_EQ(w.waits, 0);
  EXPECT_GE(w.steps, 2);
  EXPECT_GT(w.worst_offset_ns, 140'000'000);
}

}  // namespace ntp_falseticker_test
}  // namespace clocksim::sim
