// outside_failover leaves out the instants without exactly one master. Between ticks those are
// known from the role events since the last tick (a crash of the master at 60.05 s makes 60.07 s
// master-less, whether or not a tick falls there), and a Byzantine master is still the master:
// it lies about its clock, not its role.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "tests/sim/run/run_in_memory.hpp"
#include "sim/scenario/loader.hpp"

namespace clocksim::sim {
namespace {

nlohmann::json run_summary(const scenario::ScenarioSpec& spec) { return testing::run_in_memory(spec).summary; }

TEST(MastersBetweenTicks, AStepWhileNoMasterIsLeftOutWhetherOrNotATickFallsOnIt) {
  for (const char* step_at : {"60070ms", "60100ms"}) {
    scenario::LoadOptions load;
    load.set_overrides = {"faults=[{at: 60050ms, crash: master, until: 120s}, {at: " + std::string(step_at) +
                              ", clock_step: {node: n3, by: 50ms}}]",
                          "expect=[{max_skew: 10ms, after: 30s, outside_failover: 15s}]"};
    const auto spec = scenario::load_scenario_file(std::string(CLOCKSIM_SOURCE_DIR) + "/scenarios/failover.yaml", load);
    const auto j = run_summary(spec);
    EXPECT_TRUE(j["expects"][0]["passed"].get<bool>()) << step_at << ": " << j["expects"][0]["detail"];
  }
}

TEST(MastersBetweenTicks, AByzantineMasterIsStillTheMaster) {
  const std::string text =
      "name: byzantine-master\nseed: 1\nduration: 3m\ntick: 100ms\nnodes: 4\n"
      "clocks:\n  initial_offset: uniform(-20ms, 20ms)\n  drift_ppm: uniform(-50, 50)\n"
      "links:\n  latency: uniform(1ms, 3ms)\n"
      "algorithm:\n  sync: {kind: berkeley, period: 10s, step_threshold: 0s, quantum: 0s, resolution: 0s}\n"
      "  election: {kind: static, leader: 0}\n"
      "faults:\n  - {at: 1s, byzantine: {node: n0, mode: two_faced, lie: 40ms, told_behind: [n1, n2]}}\n"
      "expect:\n  - {masters_at_end: 1}\n  - {max_skew: 50ms, after: 30s, outside_failover: 1s}\n";
  const auto j = run_summary(scenario::load_scenario_text(text, "byzantine-master.yaml"));
  EXPECT_TRUE(j["expects"][0]["passed"].get<bool>()) << j["expects"][0]["detail"];
  // The liar splits the honest clocks by more than 50 ms, and no failover hides it.
  EXPECT_FALSE(j["expects"][1]["passed"].get<bool>()) << j["expects"][1]["detail"];
  EXPECT_TRUE(j["expects"][1]["evaluated"].get<bool>());
}

// A graceful stop's failover starts at the stop, before the goodbye: the LEAVE that starts the
// election is one of its election messages.
TEST(MastersBetweenTicks, AGracefulStopsFailoverCountsItsLeave) {
  const auto spec = scenario::load_scenario_file(std::string(CLOCKSIM_SOURCE_DIR) + "/scenarios/graceful-handover.yaml");
  const auto j = run_summary(spec);
  const auto& f = j["results"]["failovers"].at(0);
  EXPECT_EQ(f["election_messages_by_type"]["LEAVE"], 7) << f.dump(2);
  EXPECT_EQ(f["messages_by_type"]["LEAVE"], 7) << f.dump(2);
}

}  // namespace
}  // namespace clocksim::sim
