#include "sim/output/exact_skew.hpp"

#include <gtest/gtest.h>

#include <map>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "sim/output/output_folder.hpp"
#include "sim/run/run_scenario.hpp"
#include "sim/scenario/loader.hpp"
#include "tests/sim/output/busy_star.hpp"
#include "tests/sim/run/run_in_memory.hpp"

namespace clocksim::sim {
namespace {

// A run's summary.json, and whether its expectations held.
nlohmann::json run_summary(const scenario::ScenarioSpec& spec, bool read_every_instant, bool* passed = nullptr) {
  const auto run = testing::run_in_memory(spec, read_every_instant);
  if (passed) *passed = run.outcome.expectations_passed;
  return run.summary;
}

// The worst skew a run reports, in either mode (the bounded checker and the reference that reads
// every clock at every instant), checked to agree.
std::int64_t reported_max_skew_ns(const std::string& yaml) {
  const auto spec = scenario::load_scenario_text(yaml, "case.yaml");
  std::int64_t skew_ns[2] = {0, 0};
  for (const bool read_all : {false, true}) {
    skew_ns[read_all] = run_summary(spec, read_all).at("results").at("max_skew_ns").get<std::int64_t>();
  }
  EXPECT_EQ(skew_ns[0], skew_ns[1]) << "the bounded checker and the reference disagree";
  return skew_ns[1];
}

// Three free-running clocks from one offset, at +100, -100 and 0 ppm. n1 starts lying at 10.5 s,
// between ticks: up to then it was correct, so the skew over the correct clocks approaches
// 200 ppm * 10.5 s = 2.1 ms there, more than at any tick (2.0 ms at 10 s, 100 ppm * 20 s = 2 ms
// at the end).
TEST(ExactSkewChecker, ALiarsLastHonestInstantCounts) {
  const std::string yaml = R"(name: liar-leaves-at-peak
seed: 1
duration: 20s
tick: 1s
nodes:
  count: 3
  overrides:
    n0: {drift_ppm: 100}
    n1: {drift_ppm: -100}
clocks:
  initial_offset: 0s
  drift_ppm: 0
topology: full_mesh
links:
  latency: 1ms
algorithm:
  sync: none
faults:
  - {at: 10500ms, byzantine: {node: n1, mode: arbitrary, lie: 1ms}}
)";
  EXPECT_EQ(reported_max_skew_ns(yaml), 2'100'000);
}

// A liar that crashes between ticks was not among the correct clocks before its crash either:
// n2 runs 1000 ppm fast but lies from 1 s on, so the correct clocks' skew peaks at 1 ms, n2's
// reading just before it started lying, not at its 10.5 ms when it crashes.
TEST(ExactSkewChecker, ALiarThatCrashesIsNotCountedBeforeItsCrash) {
  const std::string yaml = R"(name: liar-crashes
seed: 1
duration: 20s
tick: 1s
nodes:
  count: 3
  overrides:
    n2: {drift_ppm: 1000}
clocks:
  initial_offset: 0s
  drift_ppm: 0
topology: full_mesh
links:
  latency: 1ms
algorithm:
  sync: none
faults:
  - {at: 1s, byzantine: {node: n2, mode: arbitrary, lie: 1ms}}
  - {at: 10500ms, crash: n2}
)";
  EXPECT_EQ(reported_max_skew_ns(yaml), 1'000'000);
}

// Two steps of one clock at one instant, +10 ms then -20 ms: the clock reads 0, then +10 ms
// (between the two faults), then -10 ms, so the skew never exceeds 10 ms. The instant's left
// limit is the clock before both steps, not the clock after the first less the second (+20 ms).
TEST(ExactSkewChecker, StepsOfOneClockAtOneInstantAreUndoneOneByOne) {
  const std::string yaml = R"(name: cancelling-steps
seed: 1
duration: 10s
tick: 1s
nodes: 2
clocks:
  initial_offset: 0s
  drift_ppm: 0
topology: full_mesh
links:
  latency: 1ms
algorithm:
  sync: none
faults:
  - {at: 5500ms, clock_step: {node: n1, by: 10ms}}
  - {at: 5500ms, clock_step: {node: n1, by: -20ms}}
)";
  EXPECT_EQ(reported_max_skew_ns(yaml), 10'000'000);
}

// Expectation windows that start or end between ticks: two clocks 10 ms apart converge at
// 1000 ppm until 10 s and part after, so over [5.5 s, 9 s] the skew is largest at its start and
// over [11 s, 14.5 s] at its end, 4.5 ms both, where the ticks inside see 4 ms at most. Neither
// edge is a tick nor a breakpoint of a clock.
TEST(ExactSkewChecker, WindowEdgesBetweenTicksAreRead) {
  const auto spec = scenario::load_scenario_text(R"(name: window-edges
seed: 1
duration: 20s
tick: 1s
nodes:
  count: 2
  overrides:
    n0: {initial_offset: 10ms, drift_ppm: -1000}
clocks:
  initial_offset: 0s
  drift_ppm: 0
topology: full_mesh
links:
  latency: 1ms
algorithm:
  sync: none
expect:
  - {max_skew: 4200us, after: 5500ms, until: 9s}
  - {max_skew: 4200us, after: 11s, until: 14500ms}
)",
                                                 "window-edges.yaml");
  for (const bool read_all : {false, true}) {
    SCOPED_TRACE(read_all ? "reading every clock" : "bounding instants");
    bool passed = true;
    const auto expects = run_summary(spec, read_all, &passed).at("expects");
    EXPECT_FALSE(passed);
    for (const auto& e : expects) {
      EXPECT_FALSE(e.at("passed").get<bool>()) << e.at("detail");
      EXPECT_NE(e.at("detail").get<std::string>().find("measured 4.500ms"), std::string::npos) << e.at("detail");
    }
  }
}

// Three Berkeley nodes under Bully whose master n2 crashes at 5.5 s; n1's clock is `n1_clock`,
// and the run's one expectation is `expect` (an outside_failover window of a max_skew).
scenario::ScenarioSpec bully_master_crashes_at_5500ms(const std::string& name, const std::string& n1_clock,
                                                      const std::string& expect) {
  return scenario::load_scenario_text("name: " + name + R"(
seed: 1
duration: 18s
tick: 1s
nodes:
  count: 3
  overrides:
    n1: )" + n1_clock + R"(
clocks:
  initial_offset: 0s
  drift_ppm: 0
topology: full_mesh
links:
  latency: 1ms
algorithm:
  sync: {kind: berkeley, period: 1000s, first_round_delay: 1000s}
  election: {kind: bully}
faults:
  - {at: 5500ms, crash: n2}
expect:
  - )" + expect + "\n",
                                      name + ".yaml");
}

// An `outside_failover` window opens again just after the settle time that follows the new
// master's election, between ticks. n1 runs 1000 ppm slow from 20 ms ahead, so the skew falls
// by 1 ms a second; n1 becomes master at 10.006 s, the window reopens after 10.306 s with the
// skew at 9.694 ms, and the next tick (11 s) sees 9 ms.
TEST(ExactSkewChecker, AnOutsideFailoverWindowIsReadWhereItOpensAgain) {
  const auto spec = bully_master_crashes_at_5500ms("settle-edge", "{initial_offset: 20ms, drift_ppm: -1000}", "{max_skew: 9500us, after: 6s, outside_failover: 300ms}");
  for (const bool read_all : {false, true}) {
    SCOPED_TRACE(read_all ? "reading every clock" : "bounding instants");
    bool passed = true;
    const auto e = run_summary(spec, read_all, &passed).at("expects").at(0);
    EXPECT_FALSE(passed);
    EXPECT_NE(e.at("detail").get<std::string>().find("at t=10.306s"), std::string::npos) << e.at("detail");
  }
}

// An `outside_failover` window also closes between ticks, as the master crashes: the interval
// that ends there is inside it, and its left limit with it. n1 runs 1000 ppm fast, so the skew
// reaches 5.5 ms as the master n2 crashes at 5.5 s, while the last tick before saw 5 ms.
TEST(ExactSkewChecker, AnOutsideFailoverWindowIsReadWhereTheMasterCrashes) {
  const auto spec = bully_master_crashes_at_5500ms("close-edge", "{drift_ppm: 1000}", "{max_skew: 5200us, until: 8s, outside_failover: 300ms}");
  for (const bool read_all : {false, true}) {
    SCOPED_TRACE(read_all ? "reading every clock" : "bounding instants");
    bool passed = true;
    const auto e = run_summary(spec, read_all, &passed).at("expects").at(0);
    EXPECT_FALSE(passed);
    EXPECT_NE(e.at("detail").get<std::string>().find("measured 5.500ms"), std::string::npos) << e.at("detail");
  }
}

// Every output file of the run, the same whether the checker bounds instants or reads every
// clock at each.
void expect_bounding_changes_nothing(const scenario::ScenarioSpec& spec) {
  const auto bounded = testing::files_without_timing(spec, false);
  const auto read_all = testing::files_without_timing(spec, true);
  ASSERT_EQ(bounded.size(), read_all.size());
  for (const auto& [name, text] : read_all) {
    SCOPED_TRACE(name);
    EXPECT_TRUE(bounded.at(name) == text) << "differs when instants are bounded";
  }
}

// Bounding an instant instead of reading every clock must never change a result: every file of
// shipped scenarios that exercise each kind of breakpoint (slews, steps, rate corrections,
// wander, crashes and restarts, Byzantine liars that turn honest, elections, the daemon's node
// loop) is the same both ways, byte for byte.
TEST(ExactSkewChecker, BoundingInstantsChangesNoOutput) {
  const std::string dir = std::string(CLOCKSIM_SOURCE_DIR) + "/scenarios/";
  struct Case {
    const char* file;
    std::vector<std::string> set;
  };
  const std::vector<Case> cases{
      {"berkeley-adversarial-together.yaml", {}},
      {"berkeley-rate-correction.yaml", {}},
      {"berkeley-textbook.yaml", {}},
      {"drift-only.yaml", {}},
      {"wander-and-step.yaml", {}},
      {"byzantine-berkeley.yaml", {}},
      {"welch-lynch-byzantine.yaml", {}},
      {"cristian-basic.yaml", {}},
      {"failover.yaml", {"duration=60s", "faults=[{at: 60s, crash: master}]"}},
      {"partition-heal.yaml", {}},
      {"graceful-handover.yaml", {"host=daemon"}},
      {"berkeley-basic.yaml", {"algorithm.sync.step_threshold=1us"}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.file);
    scenario::LoadOptions load;
    load.set_overrides = c.set;
    const auto spec = scenario::load_scenario_file(dir + c.file, load);
    expect_bounding_changes_nothing(spec);
  }
}

// The same where the clocks spread past 2^53 ns (months), where doubles no longer hold whole
// nanoseconds: a skip decision taken in doubles must still never leave out an instant that
// matters. Drawn cases over shipped scenarios: two nodes at the ends of a spread of 2^49-2^61 ns,
// drifting apart or not, sometimes one stepped further, sometimes under the daemon's node loop.
TEST(ExactSkewChecker, BoundingInstantsChangesNoOutputPastTwoToThe53) {
  const std::string dir = std::string(CLOCKSIM_SOURCE_DIR) + "/scenarios/";
  const std::vector<std::string> files{"failover.yaml",       "berkeley-basic.yaml",    "cristian-basic.yaml",
                                       "graceful-handover.yaml", "welch-lynch-byzantine.yaml", "standby.yaml",
                                       "timed-host-table.yaml", "partition-heal.yaml"};
  std::uint64_t x = 0x9E3779B97F4A7C15ULL;  // xorshift64: the same draws on every machine
  auto draw = [&x](std::uint64_t n) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return x % n;
  };
  for (int i = 0; i < 24; ++i) {
    const std::string file = files[draw(files.size())];
    const auto nodes = scenario::load_scenario_file(dir + file).nodes.size();
    const int bits = 49 + static_cast<int>(draw(12));  // the loader refuses clocks that could pass ~3e18 ns
    const std::uint64_t hi = ((std::uint64_t{1} << bits) + draw(std::uint64_t{1} << bits)) | 1;
    const std::uint64_t lo = (draw(hi) | 1);
    const auto a = draw(nodes), b = (a + 1 + draw(nodes - 1)) % nodes;
    const int drift = static_cast<int>(draw(3)) * 100;
    std::vector<std::string> set{
        "clocks.initial_offset=uniform(-" + std::to_string(lo) + "ns, " + std::to_string(hi) + "ns)",
        "nodes={count: " + std::to_string(nodes) + ", overrides: {n" + std::to_string(a) +
            ": {initial_offset: " + std::to_string(hi) + "ns, drift_ppm: " + std::to_string(drift) + "}, n" +
            std::to_string(b) + ": {initial_offset: -" + std::to_string(lo) + "ns, drift_ppm: -" +
            std::to_string(drift) + "}}}"};
    if (draw(3) == 0) {
      set.push_back("faults=[{at: 1500ms, clock_step: {node: n" + std::to_string(b) + ", by: -" +
                    std::to_string(draw(hi / 4) | 1) + "ns}}]");
    }
    if (draw(4) == 0) set.push_back("host=daemon");
    std::ostringstream what;
    what << file;
    for (const auto& o : set) what << " --set '" << o << "'";
    SCOPED_TRACE(what.str());
    scenario::LoadOptions load;
    load.set_overrides = set;
    expect_bounding_changes_nothing(scenario::load_scenario_file(dir + file, load));
  }
}

// The same on a star large enough for the tournament's scans and their near sets (clients that
// slew every second, hundreds of changes between two looks), with every kind of change the near
// set must not bound: crashes and restarts, clock steps, a liar that turns honest again, and (in
// the second run) a wander step every second.
TEST(ExactSkewChecker, BoundingInstantsChangesNoOutputOnABusyStar) {
  for (const bool wander : {false, true}) {
    SCOPED_TRACE(wander ? "with wander" : "without wander");
    testing::BusyStar star;
    star.seed = 5;
    star.clock_lines = "  initial_offset: uniform(-1ms, 1ms)\n  drift_ppm: uniform(-50, 50)\n";
    if (wander) star.clock_lines += "  wander_ppm_per_sqrt_s: 0.02\n";
    star.expect_lines = "  - {max_skew: 2500us, after: 20s}\n  - {max_abs_offset: 2ms, after: 30s, until: 120s}\n";
    const std::string yaml = testing::busy_star_yaml(star);
    const auto spec = scenario::load_scenario_text(yaml, "busy-star.yaml");
    expect_bounding_changes_nothing(spec);
  }
}

}  // namespace
}  // namespace clocksim::sim
