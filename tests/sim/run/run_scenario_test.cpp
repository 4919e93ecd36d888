#include "sim/run/run_scenario.hpp"

#include <gtest/gtest.h>

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "sim/scenario/loader.hpp"
#include "tests/sim/world/test_scenarios.hpp"

namespace clocksim::sim {
namespace run_scenario_test {

using namespace clocksim::literals;
namespace fs = std::filesystem;

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

fs::path fresh_dir(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("clocksim_run_test_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  return dir;
}

scenario::ScenarioSpec with_faults(std::uint64_t seed) {
  auto spec = testing::drift_only(12, 60_s, 500_ms, seed);
  spec.clocks.wander_ppm_per_sqrt_s = 0.05;
  scenario::FaultSpec crash;
  crash.kind = scenario::FaultSpec::Kind::kCrash;
  crash.at = 10_s;
  crash.until = 20_s;
  crash.node = 3;
  spec.faults.push_back(crash);
  scenario::FaultSpec step;
  step.kind = scenario::FaultSpec::Kind::kClockStep;
  step.at = 30_s;
  step.node = 5;
  step.step = 7_ms;
  spec.faults.push_back(step);
  return spec;
}

TEST(RunScenario, SameSeedGivesByteIdenticalFiles) {
  const auto spec = with_faults(11);
  const fs::path a = fresh_dir("a"), b = fresh_dir("b");
  std::ostringstream report;
  run_scenario(spec, RunOptions{a.string(), false, true}, report);
  run_scenario(spec, RunOptions{b.string(), false, true}, report);
  for (const char* f : {"trace.csv", "skew.csv", "events.csv", "events.log"}) {
    const std::string x = slurp(a / f);
    EXPECT_FALSE(x.empty()) << f;
    EXPECT_EQ(x, slurp(b / f)) << f;
  }
  // summary.json differs only in its wall-time fields.
  auto ja = nlohmann::json::parse(slurp(a / "summary.json"));
  auto jb = nlohmann::json::parse(slurp(b / "summary.json"));
  for (auto* j : {&ja, &jb}) {
    j->erase("wall_time_s");
    j->erase("events_per_s");
  }
  EXPECT_EQ(ja, jb);
  fs::remove_all(a);
  fs::remove_all(b);
}

TEST(RunScenario, DifferentSeedChangesTheTrace) {
  const fs::path a = fresh_dir("s1"), b = fresh_dir("s2");
  std::ostringstream report;
  run_scenario(with_faults(1), RunOptions{a.string(), false, true}, report);
  run_scenario(with_faults(2), RunOptions{b.string(), false, true}, report);
  EXPECT_NE(slurp(a / "trace.csv"), slurp(b / "trace.csv"));
  EXPECT_NE(slurp(a / "skew.csv"), slurp(b / "skew.csv"));
  fs::remove_all(a);
  fs::remove_all(b);
}

TEST(RunScenario, SkewColumnHasTheFreeRunningBoundAndRespectsIt) {
  auto spec = testing::drift_only(20, 100_s, 1_s, 3);
  scenario::ExpectSpec e;
  e.kind = scenario::ExpectSpec::Kind::kMaxSkew;
  e.use_bound = true;
  spec.expects.push_back(e);
  const fs::path dir = fresh_dir("bound");
  std::ostringstream report;
  const RunOutcome out = run_scenario(spec, RunOptions{dir.string(), false, true}, report);
  EXPECT_TRUE(out.expectations_passed);
  std::istringstream skew(slurp(dir / "skew.csv"));
  std::string line;
  std::getline(skew, line);
  EXPECT_EQ(line, "t_ns,max_skew_ns,mean_abs_offset_ns,bound_ns,master,masters");
  int rows = 0;
  while (std::getline(skew, line)) {
    ++rows;
    std::vector<std::string> cols;
    std::stringstream ls(line);
    for (std::string c; std::getline(ls, c, ',');) cols.push_back(c);
    ASSERT_GE(cols.size(), 4u) << line;
    const std::int64_t t = std::stoll(cols[0]);
    const std::int64_t bound = std::stoll(cols[3]);
    // 100 ms offset window + 200 ppm drift window · t.
    EXPECT_EQ(bound, static_cast<std::int64_t>(std::ceil(100e6 + 200e-6 * static_cast<double>(t))));
    EXPECT_LE(std::stoll(cols[1]), bound);
  }
  EXPECT_EQ(rows, 101);
  // With a bound there is no reason for its absence: a null word and an empty sentence.
  const nlohmann::json results = nlohmann::json::parse(slurp(dir / "summary.json"))["results"];
  EXPECT_TRUE(results["bound_why"].is_null());
  EXPECT_EQ(results["bound_note"], "");
  fs::remove_all(dir);
}

// A run without a bound says why as a word programs can group by, and as a sentence.
TEST(RunScenario, SummarySaysWhyThereIsNoBoundInAWordAndASentence) {
  auto spec = testing::drift_only(5, 10_s, 1_s, 3);
  spec.clocks.drift_ppm = scenario::Distribution{scenario::Distribution::Kind::kNormal, 0, 10, 0};
  const fs::path dir = fresh_dir("nobound");
  std::ostringstream report;
  run_scenario(spec, RunOptions{dir.string(), false, false}, report);
  const nlohmann::json results = nlohmann::json::parse(slurp(dir / "summary.json"))["results"];
  EXPECT_TRUE(results["bound_ns"].is_null());
  EXPECT_EQ(results["bound_why"], "unbounded_clocks");
  EXPECT_NE(results["bound_note"].get<std::string>().find("no worst case"), std::string::npos) << results["bound_note"];
  EXPECT_NE(report.str().find("no worst case"), std::string::npos) << report.str();
  fs::remove_all(dir);
}

TEST(RunScenario, FailedExpectationSaysByHowMuchAndWhen) {
  auto spec = testing::drift_only(20, 10_s, 1_s, 3);
  scenario::ExpectSpec e;
  e.kind = scenario::ExpectSpec::Kind::kMaxSkew;
  e.value = 1_ms;  // 20 clocks spread over 100 ms: fails at once
  e.where = {"x.yaml", 12, 5};
  spec.expects.push_back(e);
  const fs::path dir = fresh_dir("fail");
  std::ostringstream report;
  const RunOutcome out = run_scenario(spec, RunOptions{dir.string(), false, false}, report);
  EXPECT_FALSE(out.expectations_passed);
  EXPECT_NE(report.str().find("FAIL  max_skew <= 1ms"), std::string::npos) << report.str();
  EXPECT_NE(report.str().find("exceeded by"), std::string::npos) << report.str();
  EXPECT_NE(report.str().find("first at t=0.000s"), std::string::npos) << report.str();
  EXPECT_NE(report.str().find("x.yaml:12"), std::string::npos) << report.str();
  fs::remove_all(dir);
}

TEST(RunScenario, UnwritableOutputLeavesNothingBehind) {
  const fs::path dir = fresh_dir("blocked");
  fs::create_directories(dir);
  // A file where the output folder should be: creating it fails before anything is written.
  std::ofstream(dir / "out") << "x";
  std::ostringstream report;
  EXPECT_THROW(run_scenario(testing::drift_only(3, 1_s, 1_s), RunOptions{(dir / "out").string(), false, true}, report),
               std::exception);
  std::size_t entries = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir)) ++entries;
  EXPECT_EQ(entries, 1u);
  fs::remove_all(dir);
}

// A Linux file name is any bytes but '/' and NUL: a scenario so named runs, and summary.json
// (which names the file) stays valid JSON, each byte that is not UTF-8 written as U+FFFD.
TEST(RunScenario, AScenarioFileNamedInBytesThatAreNotUtf8RunsAndItsSummaryIsJson) {
  const fs::path dir = fresh_dir("bytes");
  auto spec = testing::drift_only(3, 2_s, 1_s);
  spec.source_file = (dir / "dr\xff\xfeift.yaml").string();
  std::ostringstream report;
  run_scenario(spec, RunOptions{(dir / "out").string(), false, true}, report);
  const nlohmann::json summary = nlohmann::json::parse(slurp(dir / "out" / "summary.json"));
  EXPECT_EQ(summary["scenario"]["file"], (dir / "dr\uFFFD\uFFFDift.yaml").string());
  fs::remove_all(dir);
}

std::set<std::string> files_in(const fs::path& dir) {
  std::set<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.insert(e.path().filename().string());
  return names;
}

// A folder reused by another run holds that run's files only: what the new run does not write
// (messages off, a compressed trace instead of a plain one, no summary) goes, the user's own
// files stay, and a run that fails leaves the old run's files as they were.
TEST(RunScenario, AReusedFolderKeepsNoFileOfTheOldRun) {
  const fs::path dir = fresh_dir("reuse");
  std::ostringstream report;
  auto spec = testing::drift_only(3, 2_s, 1_s);
  spec.output.messages = true;
  run_scenario(spec, RunOptions{dir.string(), false, true}, report);
  std::ofstream(dir / "notes.txt") << "mine\n";
  EXPECT_EQ(files_in(dir), (std::set<std::string>{"events.csv", "events.log", "messages.csv", "notes.txt", "skew.csv",
                                                  "summary.json", "trace.csv"}));

  spec.output.messages = false;
  spec.output.compress_trace = true;
  run_scenario(spec, RunOptions{dir.string(), false, true}, report);
  EXPECT_EQ(files_in(dir), (std::set<std::string>{"events.csv", "events.log", "notes.txt", "skew.csv", "summary.json",
                                                  "trace.csv.gz"}));

  spec.output.summary = false;
  spec.output.events = false;
  spec.output.compress_trace = false;
  run_scenario(spec, RunOptions{dir.string(), false, true}, report);
  EXPECT_EQ(files_in(dir), (std::set<std::string>{"notes.txt", "skew.csv", "trace.csv"}));

  // A run that cannot finish (its writes are refused: a file-size limit here, a full disk alike)
  // changes nothing. In a child process, so that the limit stays there.
  const std::string old_trace = slurp(dir / "trace.csv");
  const std::string old_skew = slurp(dir / "skew.csv");
  const pid_t child = ::fork();
  if (child == 0) {
    std::signal(SIGXFSZ, SIG_IGN);
    rlimit limit{};
    ::getrlimit(RLIMIT_FSIZE, &limit);
    limit.rlim_cur = 64 * 1024;
    ::setrlimit(RLIMIT_FSIZE, &limit);
    auto big = testing::drift_only(3, 600_s, 10_ms, 99);  // a trace of about 4 MB
    big.output.events = true;
    big.output.messages = true;
    int code = 1;
    try {
      std::ostringstream quiet;
      run_scenario(big, RunOptions{dir.string(), false, true}, quiet);
    } catch (const std::exception&) {
      code = 0;
    }
    ::_exit(code);
  }
  int status = 0;
  ::waitpid(child, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << "the run under a 64 KiB file-size limit did not fail";
  EXPECT_EQ(slurp(dir / "trace.csv"), old_trace);
  EXPECT_EQ(slurp(dir / "skew.csv"), old_skew);
  EXPECT_EQ(files_in(dir), (std::set<std::string>{"notes.txt", "skew.csv", "trace.csv"}));
  fs::remove_all(dir);
}

// should_stop is asked as the run goes (not only at its end) and stops it with RunStopped; nothing
// of the stopped run appears, and the folder keeps what it held.
TEST(RunScenario, AStopRequestEndsTheRunAndPublishesNothing) {
  const fs::path dir = fresh_dir("stop");
  std::ostringstream report;
  auto spec = testing::drift_only(3, 2_s, 1_s);
  run_scenario(spec, RunOptions{dir.string(), false, true}, report);
  const std::string old_trace = slurp(dir / "trace.csv");
  const std::set<std::string> old_files = files_in(dir);
  RunOptions options{dir.string(), false, true};
  int asked = 0;
  options.should_stop = [&asked] { return ++asked == 1; };
  spec.duration = 3600_s;
  spec.seed = 5;
  EXPECT_THROW(run_scenario(spec, options, report), RunStopped);
  EXPECT_EQ(asked, 1);
  EXPECT_EQ(files_in(dir), old_files);
  EXPECT_EQ(slurp(dir / "trace.csv"), old_trace);
  fs::remove_all(dir);
}

// A run that does not publish (stopped, refused, failed) takes away the folders it made for its
// output, and only those; a file in the way of --out is named as such.
TEST(RunScenario, ARunThatDoesNotPublishLeavesNoFolderItMade) {
  const fs::path base = fresh_dir("unmade");
  fs::create_directories(base);
  const fs::path out = base / "a" / "b" / "c";
  auto spec = testing::drift_only(3, 3600_s, 1_s);
  RunOptions options{out.string(), false, true};
  options.should_stop = [] { return true; };
  std::ostringstream report;
  EXPECT_THROW(run_scenario(spec, options, report), RunStopped);
  EXPECT_FALSE(fs::exists(base / "a"));
  EXPECT_TRUE(fs::exists(base));

  std::ofstream(base / "file") << "x";
  RunOptions blocked{(base / "file" / "sub").string(), false, true};
  try {
    run_scenario(testing::drift_only(3, 2_s, 1_s), blocked, report);
    ADD_FAILURE() << "ran under a file";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find((base / "file").string() + " is a file, not a folder"), std::string::npos)
        << e.what();
  }
  fs::remove_all(base);
}

// Slices of at most a simulated second keep the progress line and stop requests answered, but a
// world with nothing to do skips to its next event: a century with a tick every ten years has
// twelve events, not three billion slices. should_stop is asked once at the start, once at the end
// and otherwise only every tenth of a second of wall time, so a third question means the run
// spent that long looking at an empty queue.
TEST(RunScenario, AnIdleCenturyIsSkippedToItsEvents) {
  const fs::path dir = fresh_dir("idle_century");
  const Duration century = Duration::from_ns(100LL * 365 * 86'400 * 1'000'000'000);
  auto spec = testing::drift_only(2, century, century / 10);
  RunOptions options{dir.string(), false, true};
  int asked = 0;
  options.should_stop = [&asked] { return ++asked == 3; };
  std::ostringstream report;
  const RunOutcome outcome = run_scenario(spec, options, report);
  EXPECT_EQ(asked, 2);
  EXPECT_EQ(outcome.events_processed, 13u);
  fs::remove_all(dir);
}

// The narrative and the typed columns use the scenario's node names, never "n<id>": the
// algorithms note ids and the recorder names them.
TEST(RunScenario, EventsUseTheScenarioNodeNames) {
  const auto spec = scenario::load_scenario_text(R"yaml(
seed: 3
duration: 60s
tick: 1s
nodes: [alpha, beta, gamma, delta]
links: {latency: "uniform(1ms, 2ms)"}
algorithm:
  sync: {kind: berkeley, period: 5s}
  election: {kind: tsp, timeout: "uniform(6s, 9s)"}
faults:
  - {at: 20s, crash: master}
)yaml", "named.yaml");
  const fs::path dir = fresh_dir("named");
  std::ostringstream report;
  run_scenario(spec, RunOptions{dir.string(), false, true}, report);
  const std::string log = slurp(dir / "events.log");
  EXPECT_NE(log.find("becomes master"), std::string::npos) << log;
  EXPECT_NE(log.find("crashed (was master)"), std::string::npos) << log;
  for (const char* id_name : {" n0", " n1", " n2", " n3"}) EXPECT_EQ(log.find(id_name), std::string::npos) << log;
  std::ifstream csv(dir / "events.csv");
  std::string line;
  std::getline(csv, line);
  EXPECT_EQ(line, "t_ns,node,kind,what,why,subject,peer,election,round,seq,message,value_ns,rtt_ns,error_ns,count,"
                  "total,nodes,detail");
  int slave_rows = 0;
  while (std::getline(csv, line)) {
    // "...,became_slave,slave_of,<why>,<subject>,...": the subject column holds a name.
    const auto at = line.find(",became_slave,slave_of,");
    if (at == std::string::npos) continue;
    ++slave_rows;
    const auto subject_at = line.find(',', at + std::string(",became_slave,slave_of,").size()) + 1;
    const std::string subject = line.substr(subject_at, line.find(',', subject_at) - subject_at);
    EXPECT_TRUE(subject == "alpha" || subject == "beta" || subject == "gamma" || subject == "delta") << line;
  }
  EXPECT_GT(slave_rows, 0);
  // Election ids carry the names too ("gamma#1"), never an id.
  EXPECT_NE(log.find("#1"), std::string::npos) << log;
  EXPECT_EQ(log.find(" n0#"), std::string::npos) << log;
  fs::remove_all(dir);
}

// An election id names one election: a node that crashes and restarts continues its count (the
// world carries it, as stable storage would), so Bully's highest node, which claims at start
// ("delta#1") and again after its restart, calls the second one "delta#2"; every COORDINATOR
// of it says so in messages.csv.
TEST(RunScenario, ElectionNumbersContinueAcrossARestart) {
  const auto spec = scenario::load_scenario_text(R"yaml(
seed: 4
duration: 40s
tick: 1s
nodes: [alpha, beta, gamma, delta]
links: {latency: "uniform(1ms, 2ms)"}
algorithm:
  sync: {kind: berkeley, period: 5s}
  election: {kind: bully, heartbeat_period: 1s, failure_timeout: 3s, answer_timeout: 200ms}
faults:
  - {at: 10s, crash: delta, until: 20s}
output: {messages: true}
)yaml", "restart.yaml");
  const fs::path dir = fresh_dir("restart_ids");
  std::ostringstream report;
  run_scenario(spec, RunOptions{dir.string(), false, true}, report);
  const std::string log = slurp(dir / "events.log");
  EXPECT_NE(log.find("t=0.000s delta starts election delta#1: no higher id exists"), std::string::npos) << log;
  EXPECT_NE(log.find("t=20.000s delta starts election delta#2: no higher id exists"), std::string::npos) << log;
  EXPECT_EQ(log.find("t=20.000s delta starts election delta#1"), std::string::npos) << log;
  const std::string messages = slurp(dir / "messages.csv");
  EXPECT_NE(messages.find(",delta,alpha,BULLY_COORDINATOR,election,delivered,delta#2\n"), std::string::npos);
  fs::remove_all(dir);
}

// A drawn asymmetry gives each link its own a, from the seed's link_asymmetry stream alone: the
// same for the same seed, within the law's support, with both directions' factors written to
// links.csv; a constant asymmetry writes no links.csv unless asked.
TEST(RunScenario, DrawnAsymmetryIsPerLinkDeterministicAndListed) {
  const std::string text = R"yaml(
seed: 9
duration: 5s
tick: 1s
nodes: 5
links: {latency: 2ms, asymmetry: {draw: "uniform(0.1, 0.6)", slow: high_to_low}}
)yaml";
  const auto spec = scenario::load_scenario_text(text, "asym.yaml");
  const fs::path a = fresh_dir("asym_a"), b = fresh_dir("asym_b");
  std::ostringstream report;
  run_scenario(spec, RunOptions{a.string(), false, true}, report);
  run_scenario(spec, RunOptions{b.string(), false, true}, report);
  const std::string links = slurp(a / "links.csv");
  EXPECT_EQ(links, slurp(b / "links.csv"));
  std::istringstream rows(links);
  std::string line;
  std::getline(rows, line);
  EXPECT_EQ(line, "a,b,asymmetry,factor_ab,factor_ba");
  int count = 0;
  std::set<std::string> distinct;
  while (std::getline(rows, line)) {
    ++count;
    std::istringstream f(line);
    std::string na, nb, sa, sab, sba;
    std::getline(f, na, ',');
    std::getline(f, nb, ',');
    std::getline(f, sa, ',');
    std::getline(f, sab, ',');
    std::getline(f, sba, ',');
    const double asym = std::stod(sa);
    EXPECT_GE(asym, 0.1) << line;
    EXPECT_LT(asym, 0.6) << line;
    // slow: high_to_low, so the direction from the higher id (b) is the slow one.
    EXPECT_NEAR(std::stod(sba), 1 + asym, 1e-8) << line;  // nine significant digits
    EXPECT_NEAR(std::stod(sab), 1 - asym, 1e-8) << line;
    distinct.insert(sa);
  }
  EXPECT_EQ(count, 10);            // 5 nodes, full mesh
  EXPECT_EQ(distinct.size(), 10u);  // one draw per link
  auto constant = scenario::load_scenario_text(
      "seed: 9\nduration: 5s\ntick: 1s\nnodes: 3\nlinks: {latency: 2ms, asymmetry: 0.3}\n", "const.yaml");
  const fs::path c = fresh_dir("asym_c");
  run_scenario(constant, RunOptions{c.string(), false, true}, report);
  EXPECT_FALSE(fs::exists(c / "links.csv"));
  for (const auto& d : {a, b, c}) fs::remove_all(d);
}

}  // namespace run_scenario_test
}  // namespace clocksim::sim
