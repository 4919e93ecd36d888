// A tick that writes no per-node line (no trace row, no skew.csv) takes the offsets' extremes
// from the exact checker's tournament, one that writes only skew.csv sums the clocks without
// snapshots, and both take the roles from the nodes that changed, instead of reading every node.
// Their results must be those of reading every node: summary.json, events.csv, events.log and
// skew.csv byte for byte, for every shipped scenario and for a star busy with crashes, steps, a
// liar and failovers, whether the run writes the per-node files every tick, on some ticks only
// (trace_every) or never.
#include "sim/output/recorder.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "sim/scenario/loader.hpp"
#include "tests/sim/output/busy_star.hpp"
#include "tests/sim/run/run_in_memory.hpp"
#include "tests/sim/scenario/shipped_scenarios.hpp"

namespace clocksim::sim {
namespace {

// The files every way of writing leaves alike (skew.csv where it is written).
std::map<std::string, std::string> results(scenario::ScenarioSpec spec, bool trace, bool skew, Duration trace_every) {
  spec.output.trace = trace;
  spec.output.skew = skew;
  spec.output.trace_every = trace_every;
  auto files = testing::files_without_timing(spec);
  std::map<std::string, std::string> kept;
  for (const char* name : {"summary.json", "events.csv", "events.log", "skew.csv"}) {
    if (auto it = files.find(name); it != files.end()) kept[name] = it->second;
  }
  return kept;
}

void expect_same_results_however_written(const scenario::ScenarioSpec& spec) {
  const auto every_node = results(spec, true, true, Duration::zero());
  ASSERT_TRUE(every_node.count("summary.json"));
  struct Variant {
    const char* what;
    bool trace, skew;
    Duration trace_every;
  };
  const Variant variants[] = {
      {"no per-node file", false, false, Duration::zero()},
      {"a trace row every third tick, no skew.csv", true, false, spec.tick * 3},
      {"skew.csv only", false, true, Duration::zero()},
      {"skew.csv, a trace row every third tick", true, true, spec.tick * 3},
  };
  for (const Variant& v : variants) {
    SCOPED_TRACE(v.what);
    const auto got = results(spec, v.trace, v.skew, v.trace_every);
    EXPECT_EQ(got.size(), every_node.size() - (v.skew ? 0 : 1));
    for (const auto& [name, text] : got) {
      SCOPED_TRACE(name);
      EXPECT_TRUE(every_node.at(name) == text) << "differs from reading every node at every tick";
    }
  }
}

TEST(Recorder, TicksWithoutPerNodeFilesGiveTheSameResultsInEveryShippedScenario) {
  const auto files = clocksim::testing::shipped_scenarios();
  ASSERT_GE(files.size(), 20u);
  for (const std::string& file : files) {
    SCOPED_TRACE(file);
    expect_same_results_however_written(scenario::load_scenario_file(file));
  }
}

// The daemon host, and expectations that follow the masters between ticks (outside_failover),
// with the master crashed and restarted and a partition.
TEST(Recorder, TicksWithoutPerNodeFilesGiveTheSameResultsThroughFailovers) {
  const std::string dir = std::string(CLOCKSIM_SOURCE_DIR) + "/scenarios/";
  struct Case {
    const char* file;
    std::vector<std::string> set;
  };
  const std::vector<Case> cases{
      {"failover.yaml", {"host=daemon"}},
      {"bully-failover.yaml",
       {"faults=[{at: 30s, partition: [[n0, n1], rest], until: 50s}, {at: 40s, crash: master, until: 70s}]",
        "expect=[{max_skew: 1ms, outside_failover: 10s}, {failover_time_max: 20s}]"}},
      {"ring-failover.yaml", {"expect=[{max_skew: 20ms, outside_failover: 5s}]"}},
      {"timed-defaults-failover.yaml", {"host=daemon"}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.file);
    scenario::LoadOptions load;
    load.set_overrides = c.set;
    expect_same_results_however_written(scenario::load_scenario_file(dir + c.file, load));
  }
}

// A star of 300 clients that slew every second: the tournament keeps its tree and its scans
// (with near sets) between ticks; crashes and restarts, steps, a two-faced liar and its end. In
// the second run the clocks have a sinusoidal rate term, which is not linear between breakpoints,
// and correct only every 20 s: there the ticks' own readings decide the extremes the
// expectations see.
TEST(Recorder, TicksWithoutPerNodeFilesGiveTheSameResultsOnABusyStar) {
  for (const bool sine : {false, true}) {
  SCOPED_TRACE(sine ? "with a sinusoidal rate term" : "without");
  testing::BusyStar star;
  star.seed = 11;
  star.duration_s = 90;
  star.tick = "500ms";
  star.clients = 300;
  star.clock_lines = "  initial_offset: uniform(-2ms, 2ms)\n  drift_ppm: uniform(-80, 80)\n  wander_ppm_per_sqrt_s: 0.01\n";
  if (sine) star.clock_lines += "  sine_amplitude_ppm: uniform(100, 300)\n  sine_period: 7s\n";
  star.period = sine ? "20s" : "1s";
  star.liar = 9;
  star.liar_from_s = 30;
  star.liar_until_s = 60;
  star.faults = 10;
  star.first_fault_s = 10;
  star.fault_every_s = 7;
  star.crash_first = 5;
  star.crash_stride = 29;
  star.step_first = 7;
  star.step_stride = 23;
  star.crash_s = 4;
  star.step_after_s = 2;
  star.step_us = 300;
  star.step_grow_us = 200;
  star.expect_lines = "  - {max_skew: 2500us, after: 20s}\n  - {max_abs_offset: 3ms, after: 30s, until: 80s}\n";
  const std::string yaml = testing::busy_star_yaml(star);
  expect_same_results_however_written(scenario::load_scenario_text(yaml, "busy-star.yaml"));
  }
}

}  // namespace
}  // namespace clocksim::sim
