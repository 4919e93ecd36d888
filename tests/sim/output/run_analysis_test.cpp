#include "sim/output/run_analysis.hpp"

#include <gtest/gtest.h>

namespace clocksim::sim {
namespace {

using namespace clocksim::literals;

scenario::ScenarioSpec spec_with(std::size_t n) {
  scenario::ScenarioSpec spec;
  spec.duration = 100_s;
  spec.tick = 1_s;
  for (NodeId i = 0; i < n; ++i) spec.nodes.push_back({i, "n" + std::to_string(i), true, {}});
  return spec;
}

TickStats tick(Duration t, NodeId believed, std::uint32_t masters) {
  TickStats s;
  s.t = Time::epoch() + t;
  s.up_nodes = 4;
  s.master = believed;
  s.masters = masters;
  return s;
}

// TSP under loss: n0 won a second election while n3 was master; n3 told n0 to QUIT. For a tick
// most nodes still believe in n0, which is no longer master: n3's crash is still the failover.
TEST(RunAnalysis, StaleBeliefInAMasterThatSteppedDownDoesNotHideTheFailover) {
  const auto spec = spec_with(4);
  RunAnalysis a(spec);
  a.on_event(Time::epoch() + 17_s, 3, EventKind::kBecameMaster);
  a.on_event(Time::epoch() + 22_s, 0, EventKind::kBecameMaster);
  a.on_event(Time::epoch() + 32_s, 0, EventKind::kBecameSlave);
  a.on_tick(tick(33_s, /*believed=*/0, /*masters=*/1));
  a.on_tick(tick(34_s, 3, 1));
  a.on_event(Time::epoch() + 60_s, 3, EventKind::kCrash);
  a.on_event(Time::epoch() + 70_s, 1, EventKind::kElectionStarted);
  a.on_event(Time::epoch() + 73_s, 1, EventKind::kBecameMaster);
  a.on_tick(tick(74_s, 1, 1));
  a.finish();
  ASSERT_EQ(a.failovers().size(), 1u);
  EXPECT_EQ(a.failovers()[0].old_master, 3u);
  EXPECT_EQ(a.failovers()[0].new_master, 1u);
  EXPECT_EQ(*a.failovers()[0].elected_at - a.failovers()[0].lost_at, 13_s);
}

}  // namespace
}  // namespace clocksim::sim
