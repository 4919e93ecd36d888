// The row at t = 0 shows the faults scheduled at 0 s applied, as every later row shows those at
// its time: a node crashed at 0 s is down in it, a liar from 0 s is left out of the skew.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "tests/sim/run/run_in_memory.hpp"
#include "sim/scenario/loader.hpp"

namespace clocksim::sim {
namespace {

TEST(FaultsAtZero, TheFirstRowShowsThemApplied) {
  const std::string text =
      "name: tick-zero\nseed: 1\nduration: 3s\ntick: 1s\n"
      "nodes:\n  - {name: n0}\n  - {name: n1}\n  - {name: n2}\n  - {name: n3, initial_offset: 1s}\n"
      "faults:\n  - {at: 0s, byzantine: {node: n3, mode: arbitrary, lie: 1ms}}\n  - {at: 0s, crash: n1}\n"
      "expect:\n  - {max_skew: 10ms}\n";
  const auto run = testing::run_in_memory(scenario::load_scenario_text(text, "tick-zero.yaml"));
  EXPECT_TRUE(run.outcome.expectations_passed);
  const std::string& skew = run.files.at("skew.csv");
  const std::string first_row = skew.substr(skew.find('\n') + 1, skew.find('\n', skew.find('\n') + 1) - skew.find('\n') - 1);
  EXPECT_EQ(first_row.rfind("0,0,", 0), 0u) << first_row;  // t = 0, no skew among n0 and n2
  const std::string& trace = run.files.at("trace.csv");
  EXPECT_NE(trace.find("\n0,n1,"), std::string::npos);
  const std::size_t n1_at_0 = trace.find("\n0,n1,");
  const std::string n1_row = trace.substr(n1_at_0 + 1, trace.find('\n', n1_at_0 + 1) - n1_at_0 - 1);
  ASSERT_GE(n1_row.size(), 2u);
  EXPECT_EQ(n1_row.substr(n1_row.size() - 2), ",0") << "n1 crashed at 0 s is down in the first row: " << n1_row;
}

}  // namespace
}  // namespace clocksim::sim
