#include "sim/sweep/sweep_runner.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <sstream>

#include "sim/sweep/sweep_table.hpp"

namespace clocksim::sweep {
namespace {

namespace fs = std::filesystem;

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Every regular file below `root`, relative path -> contents.
std::map<std::string, std::string> tree(const fs::path& root) {
  std::map<std::string, std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    if (e.is_regular_file()) out[fs::relative(e.path(), root).string()] = slurp(e.path());
  }
  return out;
}

// A stand-in for one simulation: its files depend only on the overrides (like a real run).
void fake_run(const PlannedRun& run, const std::string& dir) {
  fs::create_directories(dir);
  std::uint64_t h = 0;
  for (const std::string& o : run.overrides) {
    for (const char c : o) h = h * 131 + static_cast<unsigned char>(c);
  }
  std::ofstream(fs::path(dir) / "trace.csv") << "t_ns,node\n" << h % 1000 << ",n0\n";
  std::ofstream(fs::path(dir) / "summary.json")
      << R"({"format_version": 1, "scenario": {"seed": 42}, "results": {"max_skew_ns": )" << h % 100000
      << R"(, "max_skew_after_warmup_ns": )" << h % 1000 << R"(, "bound_ns": )" << (h % 2 ? "null" : "5000")
      << R"(, "bound_violations": 0, "failovers": [{"a": 1}], "events_processed": 77},)"
      << R"( "expects": [{"passed": true}, {"passed": false}], "wall_time_s": 0.25})";
}

class SweepRunnerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("clocksim_sweep_runner_" +
                                        std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(dir_);
    spec_.name = "t";
    spec_.base_scenario = "base.yaml";
    spec_.matrix = {{"algorithm.sync.period", {"5s", "10s", "30s"}}, {"links.latency", {"uniform(1ms, 2ms)", "1ms"}}};
    spec_.seeds = {1, 2};
    runs_ = plan_sweep(spec_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  SweepReport sweep(const fs::path& out, unsigned jobs, const RunFunction& fn, bool progress = false) {
    std::ostringstream sink;
    SweepReport r = run_sweep(spec_, runs_, {out.string(), jobs, progress}, fn, sink);
    progress_ = sink.str();
    return r;
  }

  fs::path dir_;
  SweepSpec spec_;
  std::vector<PlannedRun> runs_;
  std::string progress_;
};

TEST_F(SweepRunnerTest, RunsEveryCombinationIntoItsFolderAndWritesTheTable) {
  const SweepReport r = sweep(dir_ / "a", 2, fake_run);
  EXPECT_EQ(r.total, 12u);
  EXPECT_EQ(r.ran, 12u);
  EXPECT_EQ(r.resumed, 0u);
  EXPECT_TRUE(r.failures.empty());
  for (const PlannedRun& run : runs_) EXPECT_TRUE(fs::exists(dir_ / "a" / run.folder / "summary.json")) << run.folder;
  const std::string csv = slurp(dir_ / "a" / "sweep.csv");
  std::istringstream lines(csv);
  std::string header, first;
  std::getline(lines, header);
  std::getline(lines, first);
  EXPECT_EQ(header,
            "run,algorithm.sync.period,links.latency,seed,max_skew_ns,max_skew_after_warmup_ns,bound_ns,"
            "bound_violations,failovers,events,expects_failed,wall_time_s");
  EXPECT_EQ(first.rfind("\"period=5s,latency=uniform_1ms__2ms_,seed=1\",5s,\"uniform(1ms, 2ms)\",1,", 0), 0u)
      << first;
  EXPECT_EQ(first.substr(first.size() - 14), ",0,1,77,1,0.25");  // violations, failovers, events, expects_failed, wall
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 13);
  for (const auto& e : fs::directory_iterator(dir_ / "a")) {
    EXPECT_EQ(e.path().string().find(".partial"), std::string::npos) << e.path();
    EXPECT_EQ(e.path().string().find(".tmp-"), std::string::npos) << e.path();
  }
  EXPECT_TRUE(progress_.empty());  // progress off: quiet
}

TEST_F(SweepRunnerTest, OutputDoesNotDependOnTheNumberOfJobs) {
  sweep(dir_ / "one", 1, fake_run);
  sweep(dir_ / "four", 4, fake_run);
  EXPECT_EQ(tree(dir_ / "one"), tree(dir_ / "four"));
}

TEST_F(SweepRunnerTest, ResumesWithoutRedoingFinishedRuns) {
  // First attempt: every third run fails (an interruption, as far as the folder is concerned).
  std::atomic<int> calls{0};
  const SweepReport first = sweep(dir_ / "r", 2, [&](const PlannedRun& run, const std::string& d) {
    ++calls;
    if (run.index % 3 == 0) {
      fs::create_directories(d);
      std::ofstream(fs::path(d) / "trace.csv") << "half";
      throw std::runtime_error("killed");
    }
    fake_run(run, d);
  });
  EXPECT_EQ(calls.load(), 12);
  ASSERT_EQ(first.failures.size(), 4u);
  EXPECT_EQ(first.failures[0], runs_[0].folder + ": killed");
  EXPECT_TRUE(fs::exists(dir_ / "r" / (runs_[0].folder + ".partial")));
  EXPECT_FALSE(fs::exists(dir_ / "r" / runs_[0].folder));

  std::mutex m;
  std::set<std::size_t> rerun;
  const SweepReport second = sweep(dir_ / "r", 2, [&](const PlannedRun& run, const std::string& d) {
    {
      const std::lock_guard lock(m);
      rerun.insert(run.index);
    }
    fake_run(run, d);
  });
  EXPECT_EQ(rerun, (std::set<std::size_t>{0, 3, 6, 9}));
  EXPECT_EQ(second.resumed, 8u);
  EXPECT_EQ(second.ran, 4u);
  EXPECT_TRUE(second.failures.empty());
  sweep(dir_ / "clean", 1, fake_run);
  EXPECT_EQ(tree(dir_ / "r"), tree(dir_ / "clean"));  // resumed == uninterrupted, no leftovers
}

TEST_F(SweepRunnerTest, ARunWithoutSummaryIsAFailureNotDone) {
  const SweepReport r = sweep(dir_ / "n", 1, [](const PlannedRun& run, const std::string& d) {
    if (run.index == 1) {
      fs::create_directories(d);
      return;
    }
    fake_run(run, d);
  });
  ASSERT_EQ(r.failures.size(), 1u);
  EXPECT_EQ(r.failures[0], runs_[1].folder + ": the run wrote no summary.json");
  EXPECT_FALSE(fs::exists(dir_ / "n" / runs_[1].folder));
}

TEST_F(SweepRunnerTest, MalformedSummaryIsReported) {
  const SweepReport r = sweep(dir_ / "m", 1, [](const PlannedRun& run, const std::string& d) {
    fake_run(run, d);
    if (run.index == 2) std::ofstream(fs::path(d) / "summary.json") << "{\"results\": {}}";
  });
  ASSERT_EQ(r.failures.size(), 1u);
  EXPECT_NE(r.failures[0].find("summary.json: missing key 'scenario'"), std::string::npos) << r.failures[0];
}

TEST_F(SweepRunnerTest, ProgressLineWhenAsked) {
  sweep(dir_ / "p", 1, fake_run, /*progress=*/true);
  EXPECT_NE(progress_.find("sweep t: 12/12 runs (100%), 0 resumed, 0 failed"), std::string::npos) << progress_;
  EXPECT_EQ(progress_.back(), '\n');
}

TEST(SweepTable, QuotesFieldsPerRfc4180) {
  EXPECT_EQ(csv_field("plain"), "plain");
  EXPECT_EQ(csv_field("a,b"), "\"a,b\"");
  EXPECT_EQ(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
}

}  // namespace
}  // namespace clocksim::sweep
