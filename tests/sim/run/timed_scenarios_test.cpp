// The shipped scenarios of timed's host table, SETTIME and trust (docs/berkeley.md §1b) run end
// to end: each behaviour shows in events.csv, in the order the protocol makes it happen, and the
// scenario's own expectations hold.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "sim/run/run_scenario.hpp"
#include "sim/scenario/loader.hpp"

namespace clocksim::sim {
namespace {

namespace fs = std::filesystem;

struct Row {
  std::int64_t t_ns = 0;
  std::string node, what, peer;
  std::vector<std::string> cells;
};

std::vector<std::string> split(const std::string& line) {
  std::vector<std::string> cells;
  std::string cell;
  std::istringstream in(line);
  while (std::getline(in, cell, ',')) cells.push_back(cell);
  return cells;
}

// events.csv: t_ns,node,kind,what,why,subject,peer,...
std::vector<Row> run_and_read(const std::string& name, bool& passed, std::vector<std::string> overrides = {}) {
  const fs::path dir = fs::temp_directory_path() / ("clocksim_timed_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  const auto spec = scenario::load_scenario_file(std::string(CLOCKSIM_SOURCE_DIR) + "/scenarios/" + name + ".yaml",
                                                 scenario::LoadOptions{std::move(overrides)});
  std::ostringstream report;
  passed = run_scenario(spec, RunOptions{dir.string(), false, true}, report).expectations_passed;
  std::ifstream csv(dir / "events.csv");
  std::string line;
  std::getline(csv, line);
  std::vector<Row> rows;
  while (std::getline(csv, line)) {
    Row r;
    r.cells = split(line);
    if (r.cells.size() < 7) continue;
    r.t_ns = std::stoll(r.cells[0]);
    r.node = r.cells[1];
    r.what = r.cells[3];
    r.peer = r.cells[6];
    rows.push_back(r);
  }
  fs::remove_all(dir);
  return rows;
}

const Row* first(const std::vector<Row>& rows, const std::string& what, const std::string& peer = "") {
  for (const auto& r : rows) {
    if (r.what == what && (peer.empty() || r.peer == peer)) return &r;
  }
  return nullptr;
}

TEST(TimedScenarios, HostTableDropsTheSilentSlaveAndSetTimeBringsItBack) {
  bool passed = false;
  const auto rows = run_and_read("timed-host-table", passed);
  EXPECT_TRUE(passed);
  const Row* dropped = first(rows, "host_dropped", "n4");
  const Row* added = first(rows, "host_added", "n4");
  const Row* set = first(rows, "settime_sent", "n4");
  ASSERT_NE(dropped, nullptr);
  ASSERT_NE(added, nullptr);
  ASSERT_NE(set, nullptr);
  EXPECT_EQ(dropped->node, "n0");
  // Crashed at 30 s; rounds every 10 s: the third unanswered one drops it, before its restart.
  EXPECT_GT(dropped->t_ns, 50'000'000'000);
  EXPECT_LT(dropped->t_ns, 90'000'000'000);
  // Back at 90 s, it announces itself after its slave timeout; the next round sets it.
  EXPECT_GT(added->t_ns, 90'000'000'000);
  EXPECT_GT(set->t_ns, added->t_ns);
  // The correction SETTIME replaces is about the minute n4 was stepped by.
  const std::int64_t corr_ns = std::stoll(set->cells[11]);
  EXPECT_LT(corr_ns, -59'000'000'000);
  EXPECT_GT(corr_ns, -61'000'000'000);
  // While dropped, n4 is not reported unanswered any more.
  for (const auto& r : rows) {
    if (r.what == "round_unanswered" && r.peer == "n4") {
      EXPECT_LT(r.t_ns, dropped->t_ns + 1);
    }
  }
}

TEST(TimedScenarios, UntrustedCandidateIsToldToQuitAndATrustedOneTakesOver) {
  bool passed = false;
  const auto rows = run_and_read("timed-untrusted-master", passed);
  EXPECT_TRUE(passed);
  const Row* refused = first(rows, "untrusted_master", "n0");
  ASSERT_NE(refused, nullptr);
  // n0 stood first and gave up, told to QUIT; it never became master, a trusted node did.
  const Row* gave_up = first(rows, "gives_up_candidacy");
  ASSERT_NE(gave_up, nullptr);
  EXPECT_EQ(gave_up->node, "n0");
  EXPECT_GE(gave_up->t_ns, refused->t_ns);
  std::string last_master;
  for (const auto& r : rows) {
    if (r.what == "becomes_master") {
      EXPECT_NE(r.node, "n0");
      last_master = r.node;
    }
  }
  EXPECT_NE(last_master, "");
}

// Without the election's trusted list only the sync layer knows: n0 wins, its first corrections
// are refused and answered with QUIT, and it steps down (here again and again, since its election
// timer keeps running out first: why both layers take the list).
TEST(TimedScenarios, SlavesRefuseAnUntrustedMastersCorrectionsAndItStepsDown) {
  bool passed = true;
  const auto rows = run_and_read("timed-untrusted-master", passed, {"algorithm.election.trusted=[]"});
  const Row* refused = first(rows, "untrusted_master", "n0");
  const Row* obeyed = first(rows, "quit_obeyed");
  ASSERT_NE(refused, nullptr);
  ASSERT_NE(obeyed, nullptr);
  EXPECT_NE(refused->node, "n0");
  EXPECT_EQ(obeyed->node, "n0");
  EXPECT_GE(obeyed->t_ns, refused->t_ns);
  EXPECT_FALSE(passed) << "n0 keeps winning without the election's list (masters_at_end fails)";
}

}  // namespace
}  // namespace clocksim::sim
