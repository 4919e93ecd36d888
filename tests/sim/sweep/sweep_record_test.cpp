#include "sim/sweep/sweep_record.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "sim/sweep/sweep_plan.hpp"
#include "sim/sweep/sweep_spec.hpp"
#include "sim/version/code_identity.hpp"

namespace clocksim::sweep {
namespace {

namespace fs = std::filesystem;

class SweepRecordTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("clocksim_sweep_record_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "out");
    std::ofstream(dir_ / "base.yaml") << "name: base\nduration: 10s\nnodes: 3\n";
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string record(const std::string& sweep, const std::vector<std::string>& input_files = {}) {
    SweepSpec spec = parse_sweep_text(sweep, "s.yaml", dir_.string());
    for (const std::string& file : input_files) spec.input_files.push_back((dir_ / file).lexically_normal().string());
    return plan_record(spec, plan_sweep(spec));
  }
  std::string out() const { return (dir_ / "out").string(); }
  // The run's folder as a finished run leaves it.
  void finish(const std::string& folder) {
    fs::create_directories(dir_ / "out" / folder);
    std::ofstream(dir_ / "out" / folder / "summary.json") << "{}";
  }
  // The mismatch's message, or "" when the record is accepted.
  std::string refusal(const std::string& sweep, const std::vector<std::string>& input_files = {}) {
    try {
      check_plan_record(out(), record(sweep, input_files));
    } catch (const SweepPlanMismatch& e) {
      return e.what();
    }
    return "";
  }

  fs::path dir_;
};

const std::string kSweep = "base: base.yaml\nset: {duration: 10s}\nmatrix:\n  nodes: [3, 4]\nseeds: [1, 2]\n";

TEST_F(SweepRecordTest, TheFirstUseRecordsThePlanAndTheSamePlanIsAcceptedAgain) {
  EXPECT_EQ(refusal(kSweep), "");
  ASSERT_TRUE(fs::exists(dir_ / "out" / ".sweep-plan"));
  finish("nodes=3,seed=1");
  EXPECT_EQ(refusal(kSweep), "");  // a resume, a shard, a merge of the same sweep
  // Nothing in the record depends on how the sweep is run: it holds the runs and their overrides.
  EXPECT_NE(record(kSweep).find("nodes=4,seed=2\tduration=10s\tnodes=4\tseed=2\toutput.trace=false\n"),
            std::string::npos);
}

TEST_F(SweepRecordTest, ASweepFileChangedAfterARunFinishedIsRefusedNamingTheDifference) {
  ASSERT_EQ(refusal(kSweep), "");
  finish("nodes=4,seed=2");
  const std::string changed = refusal("base: base.yaml\nset: {duration: 20s}\nmatrix:\n  nodes: [3, 4]\nseeds: [1, 2]\n");
  EXPECT_NE(changed.find("holds runs of another sweep: its run nodes=3,seed=1 was planned with duration=10s nodes=3 "
                         "seed=1 output.trace=false, this sweep's with duration=20s nodes=3 seed=1 output.trace=false"),
            std::string::npos)
      << changed;
  EXPECT_NE(changed.find("delete " + (dir_ / "out" / ".sweep-plan").string()), std::string::npos) << changed;
  EXPECT_NE(refusal("base: base.yaml\nset: {duration: 10s}\nmatrix:\n  nodes: [3, 4, 5]\nseeds: [1, 2]\n")
                .find("it was planned with 4 runs, this sweep has 6"),
            std::string::npos);
  EXPECT_NE(refusal(kSweep + "traces: true\n").find("output.trace=false, this sweep's with duration=10s nodes=3 seed=1"),
            std::string::npos);
  // The base scenario edited in place: the same sweep file, other runs.
  std::ofstream(dir_ / "base.yaml") << "name: base\nduration: 10s\nnodes: 3\nseed: 9\n";
  EXPECT_NE(refusal(kSweep).find("the base scenario's text has changed"), std::string::npos);
}

TEST_F(SweepRecordTest, ATopologyFileTheRunsReadIsRecordedByContentAndNamedWhenItChanges) {
  fs::create_directories(dir_ / "nets");
  std::ofstream(dir_ / "nets" / "a.dot") << "graph { n0 -- n1; n1 -- n2; }\n";
  std::ofstream(dir_ / "nets" / "b.dot") << "graph { n0 -- n1; n0 -- n2; }\n";
  ASSERT_EQ(refusal(kSweep, {"nets/a.dot"}), "");
  // Named from the base scenario's folder, whatever the working directory.
  EXPECT_NE(record(kSweep, {"nets/a.dot"}).find("\nfile 30 "), std::string::npos) << record(kSweep, {"nets/a.dot"});
  EXPECT_NE(record(kSweep, {"nets/a.dot"}).find(" nets/a.dot\n"), std::string::npos);
  finish("nodes=3,seed=1");
  EXPECT_EQ(refusal(kSweep, {"nets/a.dot"}), "");  // a resume with the file as it was
  // The file edited in place, by one byte of the same size: its content, not its size, is recorded.
  std::ofstream(dir_ / "nets" / "a.dot") << "graph { n0 -- n1; n1 -- n2; }\r";
  const std::string edited = refusal(kSweep, {"nets/a.dot"});
  EXPECT_NE(edited.find("holds runs of another sweep: nets/a.dot has changed since its runs were planned"),
            std::string::npos)
      << edited;
  std::ofstream(dir_ / "nets" / "a.dot") << "graph { n0 -- n1; n1 -- n2; }\n";
  EXPECT_NE(refusal(kSweep, {"nets/b.dot"}).find("its runs read nets/a.dot, this sweep's nets/b.dot"), std::string::npos);
  EXPECT_NE(refusal(kSweep, {"nets/a.dot", "nets/b.dot"}).find("its runs did not read nets/b.dot, this sweep's do"),
            std::string::npos);
  EXPECT_NE(refusal(kSweep).find("its runs read nets/a.dot, this sweep's do not"), std::string::npos);
}

TEST_F(SweepRecordTest, AnotherPlanTakesAFolderWhereNothingOfTheFirstFinished) {
  ASSERT_EQ(refusal(kSweep), "");
  fs::create_directories(dir_ / "out" / "nodes=3,seed=1.partial");  // stopped mid-run
  const std::string other = "base: base.yaml\nset: {duration: 2s}\nmatrix:\n  nodes: [3, 4]\nseeds: [1, 2]\n";
  EXPECT_EQ(refusal(other), "");
  finish("nodes=3,seed=1");
  EXPECT_EQ(refusal(other), "");
  EXPECT_NE(refusal(kSweep), "");  // now the folder holds a run of the second plan
}

TEST_F(SweepRecordTest, RunsOfAnotherBuildAreRefusedNamingBothBuilds) {
  const std::string build = std::string(sim::release_version()) + " " + sim::code_identity();
  const std::string planned = record(kSweep);
  ASSERT_EQ(planned.substr(0, planned.find("\nbase ")), "clocksim sweep plan 2\ncode " + build) << planned;
  // The same plan, recorded by another build (a rebuilt tree, other flags, another release).
  std::string other = planned;
  other.replace(other.find(build), build.size(), "0.0.9 0123456789abcdef");
  std::ofstream(dir_ / "out" / ".sweep-plan") << other;
  finish("nodes=3,seed=1");
  const std::string refused = refusal(kSweep);
  EXPECT_NE(refused.find("holds runs of another sweep: its runs were made by another build of clocksim (0.0.9, code "
                         "0123456789abcdef; this is " +
                         std::string(sim::release_version()) + ", code " + sim::code_identity() +
                         "), which may write other bytes: resume it with that build"),
            std::string::npos)
      << refused;
  // Before any of its runs finished, the folder is this build's to take, as for any other plan.
  fs::remove_all(dir_ / "out" / "nodes=3,seed=1");
  std::ofstream(dir_ / "out" / ".sweep-plan") << other;
  EXPECT_EQ(refusal(kSweep), "");
  EXPECT_EQ(refusal(kSweep), "");
}

TEST_F(SweepRecordTest, ARecordOfAnotherVersionIsNamed) {
  std::ofstream(dir_ / "out" / ".sweep-plan") << "clocksim sweep plan 0\nnodes=3,seed=1\tseed=1\n";
  finish("nodes=3,seed=1");
  EXPECT_NE(refusal(kSweep).find("written by another version of clocksim"), std::string::npos);
}

}  // namespace
}  // namespace clocksim::sweep
