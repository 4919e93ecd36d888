// The static election is what a leader-led sync algorithm runs under when no election is named:
// naming it explicitly, with its default leader, must change no byte of a run but the summary's
// record of the election. Naming another leader must move the leadership and the bound's master.
#include <gtest/gtest.h>

#include <map>
#include <sstream>
#include <string>

#include "sim/output/output_folder.hpp"
#include "sim/run/run_scenario.hpp"
#include "sim/scenario/loader.hpp"

namespace clocksim::sim {
namespace {

std::map<std::string, std::string> run_files(const std::string& scenario, const std::vector<std::string>& sets) {
  scenario::LoadOptions options;
  options.set_overrides = sets;
  const auto spec = scenario::load_scenario_file(std::string(CLOCKSIM_SOURCE_DIR) + "/scenarios/" + scenario, options);
  MemoryFolder folder;
  RunOptions run;
  run.quiet = true;
  run.folder = &folder;
  std::ostringstream report;
  run_scenario(spec, run, report);
  return folder.take_files();
}

class ImpliedStaticElection : public ::testing::TestWithParam<std::string> {};

TEST_P(ImpliedStaticElection, NamingItChangesNoOutputButTheSummary) {
  const auto implied = run_files(GetParam(), {});
  const auto named = run_files(GetParam(), {"algorithm.election={kind: static, leader: -1}"});
  ASSERT_EQ(implied.size(), named.size());
  for (const auto& [name, bytes] : implied) {
    if (name == "summary.json") continue;  // records the election named, and the run's wall time
    ASSERT_TRUE(named.count(name)) << name;
    EXPECT_TRUE(named.at(name) == bytes) << GetParam() << ": " << name << " differs";
  }
  EXPECT_NE(named.at("summary.json").find("\"kind\": \"static\""), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(LeaderLedSync, ImpliedStaticElection,
                         ::testing::Values("berkeley-basic.yaml", "cristian-basic.yaml", "ntp-strata.yaml",
                                           "compare-berkeley.yaml"),
                         [](const ::testing::TestParamInfo<std::string>& p) {
                           std::string n = p.param.substr(0, p.param.find('.'));
                           for (char& c : n) c = c == '-' ? '_' : c;
                           return n;
                         });

TEST(StaticElectionLeader, ANamedLeaderLeadsFromTheStart) {
  const auto files = run_files("berkeley-basic.yaml", {"algorithm.election={kind: static, leader: 2}"});
  const std::string& trace = files.at("trace.csv");
  // Every row of n2 says master, no row of n0 does.
  EXPECT_NE(trace.find(",n2,"), std::string::npos);
  std::istringstream rows(trace);
  std::string row;
  int n2_master = 0;
  int n0_master = 0;
  while (std::getline(rows, row)) {
    if (row.find(",n2,") != std::string::npos && row.find(",master,") != std::string::npos) ++n2_master;
    if (row.find(",n0,") != std::string::npos && row.find(",master,") != std::string::npos) ++n0_master;
  }
  EXPECT_GT(n2_master, 0);
  EXPECT_EQ(n0_master, 0);
}

}  // namespace
}  // namespace clocksim::sim
