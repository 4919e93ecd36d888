#include "sim/output/output_room.hpp"

#include <unistd.h>
#include <gtest/gtest.h>

#include <cerrno>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>

#include "sim/output/output_folder.hpp"
#include "sim/run/run_scenario.hpp"
#include "sim/scenario/loader.hpp"
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
    const auto dir = std::filesystem::temp_directory_path() / ("clocksim_output_room_test-" + std::to_string(::getpid()));
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
  const auto dir = std::filesystem::temp_directory_path() / ("clocksim_output_room_refused-" + std::to_string(::getpid())) / "run";
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

// A folder whose `name` refuses every write past `room` bytes, as a disk that fills up would.
class FillingFolder final : public OutputFolder {
 public:
  FillingFolder(std::string name, std::size_t room) : name_(std::move(name)), room_(room) {}
  std::unique_ptr<OutputFile> create(const std::string& name) override {
    return std::make_unique<File>(name, name == name_ ? room_ : std::string::npos);
  }
  void publish(std::span<const std::string_view>) override {}

 private:
  struct File final : OutputFile {
    File(std::string name, std::size_t room) : name(std::move(name)), room(room) {}
    void write(std::string_view data) override {
      written += data.size();
      if (written > room) throw WriteRefused("out/" + name, ENOSPC);
    }
    void commit() override {}
    std::string name;
    std::size_t room, written = 0;
  };
  std::string name_;
  std::size_t room_;
};

// Thirty nodes under Berkeley and Bully on a lossy network, no trace: skew.csv needs 6 kB, while
// events.csv and events.log take hundreds of kilobytes a simulated minute (a master_silent per
// node per missed heartbeat), a number only the run tells.
scenario::ScenarioSpec chatty() {
  return scenario::load_scenario_text(
      "name: chatty\nseed: 1\nduration: 10m\ntick: 1s\nnodes: 30\n"
      "clocks:\n  drift_ppm: uniform(-100, 100)\n  initial_offset: uniform(-20ms, 20ms)\n"
      "topology: full_mesh\nlinks:\n  latency: uniform(1ms, 5ms)\n  loss: 0.3\n"
      "algorithm:\n  sync: {kind: berkeley, period: 200ms}\n  election: {kind: bully}\n"
      "output: {trace: false}\n",
      "chatty.yaml");
}

TEST(OutputRoom, EventsThatOutgrowTheRoomStopTheRunSayingWhyTheCheckCouldNotForeseeIt) {
  const auto spec = chatty();
  EXPECT_LE(output_size_floor(spec).bytes, 10'000u);  // what the check before the run can count
  FillingFolder folder("events.csv", 300'000);
  RunOptions options;
  options.folder = &folder;
  options.quiet = true;
  std::ostringstream report;
  try {
    run_scenario(spec, options, report);
    FAIL() << "events.csv outgrew its room and the run went on";
  } catch (const std::runtime_error& e) {
    const std::string what = e.what();
    EXPECT_EQ(what.rfind("I/O error writing out/events.csv: ", 0), 0u) << what;
    // Stopped in the middle of the run, at the refused write, and saying when.
    EXPECT_NE(what.find(" (at t="), std::string::npos) << what;
    EXPECT_EQ(what.find(" (at t=600.000s"), std::string::npos) << what;
    EXPECT_NE(what.find("of 600.000s)"), std::string::npos) << what;
    EXPECT_NE(what.find("no bound on their size is known before it"), std::string::npos) << what;
    EXPECT_NE(what.find("counts only trace.csv and skew.csv"), std::string::npos) << what;
    EXPECT_NE(what.find("output.events: false"), std::string::npos) << what;
  }
}

TEST(OutputRoom, ARefusedWriteNamesWhatToChangeForEachFile) {
  const auto spec = testing::drift_only(3, 10_s, 1_s);
  auto message = [&spec](const std::string& file, std::optional<std::int64_t> at_ns) {
    WriteRefused refused("out/" + file, ENOSPC);
    refused.at_ns = at_ns;
    return refused_write_message(refused, spec);
  };
  std::string m = message("trace.csv", 2'500'000'000);
  EXPECT_NE(m.find("No space left on device (at t=2.500s of 10.000s)"), std::string::npos) << m;
  EXPECT_NE(m.find("least trace.csv and skew.csv can take (638 B)"), std::string::npos) << m;
  // Each part of the message is a sentence of its own.
  EXPECT_NE(m.find("of 10.000s). The check before the run counted"), std::string::npos) << m;
  EXPECT_NE(m.find("output.trace_every"), std::string::npos) << m;
  m = message("messages.csv", std::nullopt);  // written when the run is over
  EXPECT_NE(m.find("(after the 10.000s of the run, writing its last files)"), std::string::npos) << m;
  EXPECT_NE(m.find("output.messages: false"), std::string::npos) << m;
  m = message("logical.csv", std::nullopt);
  EXPECT_NE(m.find("output.trace: false"), std::string::npos) << m;
  m = message("summary.json", std::nullopt);
  EXPECT_NE(m.find("free some room or write elsewhere (--out)"), std::string::npos) << m;
}

}  // namespace
}  // namespace clocksim::sim
