#include "sim/sweep/sweep_runner.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <sstream>

#include "sim/run/run_scenario.hpp"
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
      << R"(, "bound_violations": 0, "warmup_ns": 2500000000, "worst_skew_over_bound": 0.5,)"
      << R"( "bound_why": "message_loss", "bound_note": "no, \"quoted\"", "elections": 3,)"
      << R"( "failovers": [{"failover_time_ns": 1500000000, "detection_time_ns": 1000000000, "election_messages": 7},)"
      << R"( {"failover_time_ns": 250000000, "detection_time_ns": null, "election_messages": 5},)"
      << R"( {"failover_time_ns": null, "detection_time_ns": 4000000000, "election_messages": 0}],)"
      << R"( "messages_sent": 90, "messages_lost": 1, "events_processed": 77},)"
      << R"( "expects": [{"passed": true}, {"passed": false}, {"passed": false, "evaluated": false}], "wall_time_s": 0.25})";
}

// fake_run, noting which runs it was given (the sweep calls it from several threads).
struct RecordingRun {
  void operator()(const PlannedRun& run, const std::string& dir) {
    {
      const std::lock_guard lock(mutex);
      indices.insert(run.index);
    }
    fake_run(run, dir);
  }
  std::mutex mutex;
  std::set<std::size_t> indices;
};

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

  SweepReport sweep(const fs::path& out, unsigned jobs, const RunFunction& fn, bool progress = false,
                    Shard shard = {}) {
    std::ostringstream sink;
    SweepReport r = run_sweep(spec_, runs_, {out.string(), jobs, progress, shard, std::nullopt}, fn, sink);
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
  // A swept duration is a number of seconds, its column named <path>_s.
  EXPECT_EQ(header,
            "run,algorithm.sync.period_s,links.latency,seed,warmup_s,max_skew_ns,max_skew_after_warmup_ns,"
            "steady_skew_mean_ns,steady_skew_p50_ns,steady_skew_p99_ns,bound_ns,skew_over_bound,bound_violations,"
            "bound_why,bound_note,elections,failovers,failovers_unfinished,failover_time_max_s,detection_time_max_s,election_messages,"
            "messages_sent,messages_lost,events,expects,expects_failed,expects_not_evaluated,wall_time_s");
  EXPECT_EQ(first.rfind("\"period=5s,latency=uniform_1ms__2ms_,seed=1\",5,\"uniform(1ms, 2ms)\",1,2.5,", 0), 0u)
      << first;
  // bound_why, bound_note quoted; 3 elections, 3 failovers, one of them without a new master by the end
  // (worst of the others 1.5 s; detection 4 s), 12 election messages, 90 sent, 1 lost, 77
  // events; 3 expects: 1 failed, 1 not evaluated; wall time.
  EXPECT_NE(first.find(",0.5,0,message_loss,\"no, \"\"quoted\"\"\",3,3,1,1.5,4,12,90,1,77,3,1,1,0.25"), std::string::npos) << first;
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 13);
  for (const auto& e : fs::directory_iterator(dir_ / "a")) {
    EXPECT_EQ(e.path().string().find(".partial"), std::string::npos) << e.path();
    EXPECT_EQ(e.path().filename().string().find(".tmp."), std::string::npos) << e.path();
  }
  EXPECT_TRUE(progress_.empty());  // progress off: quiet
}

// "0" is a duration without a unit: beside "3s" it is 0 seconds; a parameter of bare zeros
// alone is no time at all (it could be a count), and stays as written.
TEST_F(SweepRunnerTest, AUnitlessZeroAmongDurationsIsZeroSeconds) {
  spec_.matrix = {{"algorithm.sync.first_round_delay", {"0", "3s", "10s"}}, {"clocks.drift_ppm", {"0"}}};
  spec_.seeds = {1};
  runs_ = plan_sweep(spec_);
  sweep(dir_ / "z", 1, fake_run);
  std::istringstream lines(slurp(dir_ / "z" / "sweep.csv"));
  std::string header, zero, three;
  std::getline(lines, header);
  std::getline(lines, zero);
  std::getline(lines, three);
  EXPECT_EQ(header.rfind("run,algorithm.sync.first_round_delay_s,clocks.drift_ppm,seed,", 0), 0u) << header;
  EXPECT_EQ(zero.rfind("\"first_round_delay=0,drift_ppm=0,seed=1\",0,0,1,", 0), 0u) << zero;
  EXPECT_EQ(three.rfind("\"first_round_delay=3s,drift_ppm=0,seed=1\",3,0,1,", 0), 0u) << three;
}

// A run told to stop (Ctrl-C in the Python module) is not a failed run: the sweep starts nothing
// more, writes the table of what finished, rethrows, and the same sweep again completes it.
TEST_F(SweepRunnerTest, AStoppedRunStopsTheSweepWhichThenResumes) {
  std::atomic<int> started{0};
  EXPECT_THROW(sweep(dir_ / "s", 1,
                     [&](const PlannedRun& run, const std::string& d) {
                       if (++started == 5) throw sim::RunStopped{};
                       fake_run(run, d);
                     }),
               sim::RunStopped);
  EXPECT_EQ(started.load(), 5);
  const std::string csv = slurp(dir_ / "s" / "sweep.csv");
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 5);  // the header and the four that finished
  const SweepReport again = sweep(dir_ / "s", 2, fake_run);
  EXPECT_EQ(again.resumed, 4u);
  EXPECT_EQ(again.ran, 8u);
  EXPECT_TRUE(again.failures.empty());
  sweep(dir_ / "whole", 2, fake_run);
  auto a = tree(dir_ / "s"), b = tree(dir_ / "whole");
  a.erase("sweep.csv");
  b.erase("sweep.csv");
  EXPECT_EQ(a, b);
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
  // A failed run keeps nothing, not even its half-written folder.
  EXPECT_FALSE(fs::exists(dir_ / "r" / (runs_[0].folder + ".partial")));
  EXPECT_FALSE(fs::exists(dir_ / "r" / runs_[0].folder));
  // What a killed process leaves behind (no handler ran): a partial folder, redone on resume.
  fs::create_directories(dir_ / "r" / (runs_[3].folder + ".partial"));
  std::ofstream(dir_ / "r" / (runs_[3].folder + ".partial") / "trace.csv") << "half";

  RecordingRun rerun;
  const SweepReport second = sweep(dir_ / "r", 2, std::ref(rerun));
  EXPECT_EQ(rerun.indices, (std::set<std::size_t>{0, 3, 6, 9}));
  EXPECT_EQ(second.resumed, 8u);
  EXPECT_EQ(second.ran, 4u);
  EXPECT_TRUE(second.failures.empty());
  sweep(dir_ / "clean", 1, fake_run);
  EXPECT_EQ(tree(dir_ / "r"), tree(dir_ / "clean"));  // resumed == uninterrupted, no leftovers
}

// A finished run whose summary.json was damaged afterwards (cut short, emptied, edited) is run
// again on resume, and the sweep goes on; before, the first such folder stopped the whole resume
// with the JSON parser's message, and nothing else was run.
TEST_F(SweepRunnerTest, AResumeRunsAgainAFinishedRunWhoseSummaryIsDamaged) {
  sweep(dir_ / "d", 2, fake_run);
  const std::vector<std::string> damage = {"", "{", "{}", "not json at all"};
  for (std::size_t i = 0; i < damage.size(); ++i) {
    std::ofstream(dir_ / "d" / runs_[i * 2].folder / "summary.json", std::ios::trunc) << damage[i];
  }
  fs::remove_all(dir_ / "d" / runs_[1].folder);  // and one not run at all
  RecordingRun rerun;
  const SweepReport resumed = sweep(dir_ / "d", 2, std::ref(rerun));
  EXPECT_EQ(rerun.indices, (std::set<std::size_t>{0, 1, 2, 4, 6}));
  EXPECT_TRUE(resumed.failures.empty());
  sweep(dir_ / "clean", 1, fake_run);
  EXPECT_EQ(tree(dir_ / "d"), tree(dir_ / "clean"));
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

// A merge reads what the runs wrote: a summary.json that does not parse is named as
// FILE:LINE:COLUMN with the parser's reason (not its exception's name), and the way to redo it.
TEST_F(SweepRunnerTest, AMergeNamesWhereASummaryStopsBeingJson) {
  sweep(dir_ / "j", 1, fake_run);
  const fs::path damaged = dir_ / "j" / runs_[3].folder / "summary.json";
  std::ofstream(damaged, std::ios::trunc) << "{\n  \"scenario\": {\n    \"seed\": 1,,\n";
  const SweepReport merged = merge_sweep(spec_, runs_, (dir_ / "j").string());
  ASSERT_EQ(merged.failures.size(), 1u);
  const std::string& said = merged.failures[0];
  EXPECT_EQ(said.rfind(runs_[3].folder + ": " + damaged.string() + ":3:15: not valid JSON: syntax error", 0), 0u)
      << "said: " << said;
  EXPECT_EQ(said.find("json.exception"), std::string::npos) << said;
  EXPECT_NE(said.find("without --merge: it runs this run again"), std::string::npos) << said;
}

TEST_F(SweepRunnerTest, ProgressLineWhenAsked) {
  sweep(dir_ / "p", 1, fake_run, /*progress=*/true);
  EXPECT_NE(progress_.find("sweep t: 12/12 runs (100%), 0 resumed, 0 failed"), std::string::npos) << progress_;
  EXPECT_EQ(progress_.back(), '\n');
}

TEST_F(SweepRunnerTest, ShardsThenMergeEqualTheWholeSweep) {
  std::mutex m;
  std::multiset<std::size_t> ran;
  auto counting = [&](const PlannedRun& run, const std::string& d) {
    {
      const std::lock_guard lock(m);
      ran.insert(run.index);
    }
    fake_run(run, d);
  };
  for (std::size_t i = 0; i < 5; ++i) {  // 12 runs over 5 shards: uneven on purpose
    const SweepReport r = sweep(dir_ / "s", 1, counting, false, Shard{i, 5});
    EXPECT_EQ(r.total, i < 2 ? 3u : 2u) << i;
    EXPECT_EQ(r.ran, r.total);
    EXPECT_FALSE(fs::exists(dir_ / "s" / "sweep.csv")) << "a shard must not write a partial table";
  }
  EXPECT_EQ(ran.size(), 12u);
  for (std::size_t k = 0; k < 12; ++k) EXPECT_EQ(ran.count(k), 1u) << k;  // each run exactly once
  const SweepReport merged = merge_sweep(spec_, runs_, (dir_ / "s").string());
  EXPECT_TRUE(merged.missing.empty());
  EXPECT_EQ(merged.resumed, 12u);
  sweep(dir_ / "whole", 2, fake_run);
  EXPECT_EQ(tree(dir_ / "s"), tree(dir_ / "whole"));
}

TEST_F(SweepRunnerTest, MergeListsWhatIsNotDoneAndWritesTheRest) {
  sweep(dir_ / "p", 1, fake_run, false, Shard{1, 3});
  const SweepReport merged = merge_sweep(spec_, runs_, (dir_ / "p").string());
  ASSERT_EQ(merged.missing.size(), 8u);
  EXPECT_EQ(merged.missing[0], runs_[0].folder);
  EXPECT_EQ(merged.resumed, 4u);
  const std::string csv = slurp(dir_ / "p" / "sweep.csv");
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 5);  // header + runs 1, 4, 7, 10
  EXPECT_NE(csv.find(runs_[4].folder), std::string::npos);
}

TEST_F(SweepRunnerTest, AShardResumesLikeTheWholeSweep) {
  sweep(dir_ / "r", 1, fake_run, false, Shard{0, 2});
  std::atomic<int> calls{0};
  const SweepReport again = sweep(dir_ / "r", 2, [&](const PlannedRun& run, const std::string& d) {
    ++calls;
    fake_run(run, d);
  }, false, Shard{0, 2});
  EXPECT_EQ(calls.load(), 0);
  EXPECT_EQ(again.resumed, 6u);
}

TEST_F(SweepRunnerTest, ShardProgressNamesTheShard) {
  sweep(dir_ / "q", 1, fake_run, /*progress=*/true, Shard{2, 3});
  EXPECT_NE(progress_.find("sweep t shard 2/3: 4/4 runs (100%)"), std::string::npos) << progress_;
}

TEST(SweepShard, ParsesIndexOverCount) {
  const auto s = parse_shard("3/8");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->index, 3u);
  EXPECT_EQ(s->count, 8u);
  EXPECT_TRUE(s->contains(11));
  EXPECT_FALSE(s->contains(12));
  for (const char* bad : {"", "3", "8/8", "9/8", "1/0", "-1/4", "a/4", "1/4x", "1//4", "/4", "1/"}) {
    EXPECT_FALSE(parse_shard(bad)) << bad;
  }
}

TEST(SweepTable, QuotesFieldsPerRfc4180) {
  EXPECT_EQ(csv_field("plain"), "plain");
  EXPECT_EQ(csv_field("a,b"), "\"a,b\"");
  EXPECT_EQ(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
}

TEST(SweepTable, SecondsTextIsExact) {
  EXPECT_EQ(seconds_text(1'500'000'000), "1.5");
  EXPECT_EQ(seconds_text(10'000'000'000), "10");
  EXPECT_EQ(seconds_text(-250), "-0.00000025");
  EXPECT_EQ(seconds_text(0), "0");
}

}  // namespace
}  // namespace clocksim::sweep
