#include "sim/output/output_room.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>
#include <stdexcept>
#include <string>

#include "sim/run/run_scenario.hpp"
#include "tests/sim/world/test_scenarios.hpp"

namespace clocksim::sim {
namespace {

using namespace clocksim::literals;

TEST(OutputRoom, TheFloorCountsRowsAndTheirShortestForm) {
  auto spec = testing::drift_only(3, 10_s, 1_s);  // nodes n0..n2, ticks at 0..10 s: 11
  OutputSizeFloor f = output_size_floor(spec);
  EXPECT_EQ(f.skew_rows, 11u);
  EXPECT_EQ(f.trace_rows, 33u);
  // Skew rows at least 10 bytes; trace rows at least the name (2) + 14.
  EXPECT_EQ(f.bytes, 11u * 10 + 33u * 16);

  spec.output.trace_every = 2_s;  // ticks 0, 2, ..., 10: 6
  spec.output.trace_nodes = {1};
  f = output_size_floor(spec);
  EXPECT_EQ(f.trace_rows, 6u);
  EXPECT_EQ(f.bytes, 11u * 10 + 6u * 16);

  spec.output.compress_trace = true;
  spec.output.skew = false;
  f = output_size_floor(spec);
  EXPECT_EQ(f.trace_rows, 0u);
  EXPECT_EQ(f.bytes, 0u);
}

// Every shipped and test scenario's real files are at least the floor (the floor must never
// refuse a run that would have fitted).
TEST(OutputRoom, TheFloorIsNeverAboveWhatARunWrites) {
  for (const auto& spec : {testing::drift_only(5, 30_s, 100_ms), testing::drift_only(2, 5_s, 1_ms)}) {
    const auto dir = std::filesystem::temp_directory_path() / "clocksim_output_room_test";
    std::filesystem::remove_all(dir);
    std::ostringstream report;
    run_scenario(spec, RunOptions{dir.string(), false, true}, report);
    const auto written = std::filesystem::file_size(dir / "trace.csv") + std::filesystem::file_size(dir / "skew.csv");
    EXPECT_LE(output_size_floor(spec).bytes, written);
    std::filesystem::remove_all(dir);
  }
}

TEST(OutputRoom, ARunThatCannotFitIsRefusedBeforeAnythingIsCreated) {
  auto spec = testing::drift_only(3, 1000000_s, 1_s);
  spec.tick = Duration::from_ns(1);  // 10^15 ticks: petabytes of rows
  const auto dir = std::filesystem::temp_directory_path() / "clocksim_output_room_refused" / "run";
  std::filesystem::remove_all(dir.parent_path());
  try {
    check_output_room(spec, dir.string());
    FAIL() << "a petabyte trace was not refused";
  } catch (const std::runtime_error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("need at least"), std::string::npos) << what;
    EXPECT_NE(what.find("PB"), std::string::npos) << what;
    EXPECT_NE(what.find("output.trace_every"), std::string::npos) << what;
  }
  std::ostringstream report;
  EXPECT_THROW(run_scenario(spec, RunOptions{dir.string(), false, true}, report), std::runtime_error);
  EXPECT_FALSE(std::filesystem::exists(dir.parent_path()));
  spec.output.trace = false;
  spec.output.skew = false;
  EXPECT_NO_THROW(check_output_room(spec, dir.string()));
}

}  // namespace
}  // namespace clocksim::sim
