// skew.csv at a tick with no correct node up (every node crashed, or every up node Byzantine):
// nothing was measured, so the skew and the mean |offset| are empty fields, not zeros that read
// as perfect agreement, and the steady-state figures of summary.json leave such ticks out.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

#include "sim/scenario/loader.hpp"
#include "tests/sim/run/run_in_memory.hpp"

namespace clocksim::sim {
namespace {

// Three nodes under Berkeley; every node is down from 20 s (n2 from 21 s) to 30 s.
std::string all_down_yaml(const std::string& faults) {
  return "name: all-down\nseed: 1\nduration: 40s\ntick: 1s\nnodes: 3\n"
         "clocks:\n  drift_ppm: uniform(-100, 100)\n  initial_offset: uniform(-20ms, 20ms)\n"
         "topology: full_mesh\nlinks:\n  latency: uniform(1ms, 5ms)\n"
         "algorithm:\n  sync: {kind: berkeley, period: 5s, step_threshold: 1ms, quantum: 0s, resolution: 0s}\n"
         "  election: {kind: bully}\n"
         "warmup: 10s\n"
         "faults:\n" + faults;
}

const std::string kAllCrash =
    "  - {at: 20s, crash: n0, until: 30s}\n  - {at: 20s, crash: n1, until: 30s}\n"
    "  - {at: 21s, crash: n2, until: 30500ms}\n";

// skew.csv's rows, each split at its commas (empty fields kept), by t in seconds.
std::vector<std::vector<std::string>> skew_rows(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::istringstream in(text);
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    std::vector<std::string> fields;
    std::size_t from = 0;
    for (std::size_t comma; (comma = line.find(',', from)) != std::string::npos; from = comma + 1) {
      fields.push_back(line.substr(from, comma - from));
    }
    fields.push_back(line.substr(from));
    rows.push_back(fields);
  }
  return rows;
}

TEST(RecorderNoNodeUp, TicksWithEveryNodeDownLeaveTheSkewAndTheMeanEmpty) {
  const auto run = testing::run_in_memory(scenario::load_scenario_text(all_down_yaml(kAllCrash), "all-down.yaml"));
  const auto rows = skew_rows(run.files.at("skew.csv"));
  ASSERT_EQ(rows.size(), 41u);
  for (std::size_t s = 0; s < rows.size(); ++s) {
    SCOPED_TRACE("t=" + std::to_string(s) + "s");
    const auto& r = rows[s];
    ASSERT_EQ(r.size(), 6u);
    EXPECT_EQ(r[0], std::to_string(static_cast<std::int64_t>(s) * 1'000'000'000));
    if (s >= 21 && s <= 29) {
      EXPECT_EQ(r[1], "");  // max_skew_ns
      EXPECT_EQ(r[2], "");  // mean_abs_offset_ns
      EXPECT_NE(r[3], "");  // the bound follows the run through the gap (docs/bounds.md §7)
      EXPECT_EQ(r[4], "");  // no master
      EXPECT_EQ(r[5], "0");
    } else {
      // One node up (n2 at 20 s) is a measurement: its skew with itself is 0.
      EXPECT_NE(r[1], "");
      EXPECT_NE(r[2], "");
    }
  }
  EXPECT_EQ(rows[20][1], "0");
}

TEST(RecorderNoNodeUp, SteadyFiguresLeaveOutTheTicksWithNoNodeUp) {
  const auto run = testing::run_in_memory(scenario::load_scenario_text(all_down_yaml(kAllCrash), "all-down.yaml"));
  // The steady state is 10 s .. 40 s: 31 ticks, 9 of them with nothing up. The median of the 22
  // measured ticks is one of their skews; with the nine zeros counted it would be far lower.
  std::vector<std::int64_t> measured;
  for (const auto& r : skew_rows(run.files.at("skew.csv"))) {
    if (std::stoll(r[0]) >= 10'000'000'000 && !r[1].empty()) measured.push_back(std::stoll(r[1]));
  }
  ASSERT_EQ(measured.size(), 22u);
  double sum = 0;
  for (auto v : measured) sum += static_cast<double>(v);
  const auto& res = run.summary["results"];
  EXPECT_EQ(res["steady_skew_mean_ns"].get<std::int64_t>(), std::llround(sum / 22));
  std::sort(measured.begin(), measured.end());
  EXPECT_EQ(res["steady_skew_p50_ns"].get<std::int64_t>(), measured[10]);  // nearest rank: ceil(0.5 * 22) = 11th
}

TEST(RecorderNoNodeUp, TicksWhoseOnlyUpNodeLiesLeaveTheSkewEmptyButKeepTheMaster) {
  // n0 and n1 down from 20 s to 30 s while n2 lies: the nodes up are all Byzantine.
  const auto run = testing::run_in_memory(scenario::load_scenario_text(
      all_down_yaml("  - {at: 20s, crash: n0, until: 30s}\n  - {at: 20s, crash: n1, until: 30s}\n"
                    "  - {at: 15s, byzantine: {node: n2, mode: arbitrary, lie: 5ms}, until: 35s}\n"),
      "liar.yaml"));
  const auto rows = skew_rows(run.files.at("skew.csv"));
  ASSERT_EQ(rows.size(), 41u);
  for (std::size_t s = 20; s <= 29; ++s) {
    SCOPED_TRACE("t=" + std::to_string(s) + "s");
    EXPECT_EQ(rows[s][1], "");
    EXPECT_EQ(rows[s][2], "");
    // The liar lies about its clock, not its role: it is still the master, and counted.
    EXPECT_EQ(rows[s][4], "n2");
    EXPECT_EQ(rows[s][5], "1");
  }
  EXPECT_NE(rows[19][1], "");
  EXPECT_NE(rows[30][1], "");
}

TEST(RecorderNoNodeUp, ARunWithNoNodeEverUpHasNoWorstSkew) {
  const auto run = testing::run_in_memory(scenario::load_scenario_text(
      all_down_yaml("  - {at: 0s, crash: n0}\n  - {at: 0s, crash: n1}\n  - {at: 0s, crash: n2}\n"), "never-up.yaml"));
  const auto& res = run.summary["results"];
  EXPECT_TRUE(res["max_skew_ns"].is_null()) << res["max_skew_ns"];
  EXPECT_TRUE(res["max_skew_at_ns"].is_null()) << res["max_skew_at_ns"];
  EXPECT_TRUE(res["max_skew_after_warmup_ns"].is_null());
  for (const auto& r : skew_rows(run.files.at("skew.csv"))) EXPECT_EQ(r[1], "") << "t_ns " << r[0];
}

TEST(RecorderNoNodeUp, TheWorstSkewOfARunWhoseFirstMeasurementIsZeroIsDatedThere) {
  // Only n2 comes up, at 5 s: every measurement is 0, the first at 5 s.
  const auto run = testing::run_in_memory(scenario::load_scenario_text(
      all_down_yaml("  - {at: 0s, crash: n0}\n  - {at: 0s, crash: n1}\n  - {at: 0s, crash: n2, until: 5s}\n"),
      "late-up.yaml"));
  const auto& res = run.summary["results"];
  EXPECT_EQ(res["max_skew_ns"], 0);
  EXPECT_EQ(res["max_skew_at_ns"], 5'000'000'000);
}

}  // namespace
}  // namespace clocksim::sim
