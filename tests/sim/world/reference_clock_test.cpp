// The simulator's reference clocks: true time plus the node's error reaches only nodes that have
// one, through the typed ReferenceReading (an NTP stratum-1 server then tracks true time).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>

#include "sim/output/tick_stats.hpp"
#include "sim/scenario/loader.hpp"
#include "sim/world/world.hpp"

namespace clocksim::sim {
namespace {

class OffsetWatch final : public Observer {
 public:
  void on_tick(const TickView& view) override {
    if (view.now().ns() < 600'000'000'000) return;  // after the first stepout and step
    for (NodeId i = 0; i < view.node_count(); ++i) {
      const auto s = view.node(i);
      worst[i] = std::max<std::int64_t>(worst[i], std::llabs(s.offset_ns));
      role[i] = s.role;
    }
  }
  void on_event(Time, NodeId, const Note&) override {}
  std::int64_t worst[3] = {};
  Role role[3] = {};
};

TEST(ReferenceClock, StratumOneTracksTrueTimeOthersDoNot) {
  const auto spec = scenario::load_scenario_text(R"yaml(
duration: 30m
tick: 10s
nodes:
  - {name: gps, reference_clock: "uniform(-50us, 50us)", initial_offset: 40ms, drift_ppm: 20}
  - {name: free, initial_offset: 40ms, drift_ppm: 20}
  - {name: local, servers: [free], initial_offset: 0s}
algorithm:
  sync: {kind: ntp, minpoll: 3, maxpoll: 4, stepout: 120s, step_threshold: 5ms, local_stratum: 0}
  election: {kind: static, leader: 1}
)yaml",
                                                 "ref.yaml");
  World world(spec);
  OffsetWatch watch;
  world.add_observer(&watch);
  world.run_until(world.end());
  EXPECT_EQ(watch.role[0], Role::kServer);
  EXPECT_LT(watch.worst[0], 2'000'000);   // disciplined to true time within 2 ms
  EXPECT_GT(watch.worst[1], 40'000'000);  // no reference clock, no servers: free running
  // `free` is the static leader (leader: 1), the default server, and so polls nobody; `local` polls it, but it serves
  // nothing (local_stratum 0), so `local` stays where it started.
  EXPECT_LT(watch.worst[2], 1'000'000);
}

}  // namespace
}  // namespace clocksim::sim
