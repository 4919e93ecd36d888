#include "algorithms/election/standby/standby_election.hpp"

#include <gtest/gtest.h>

#include "tests/algorithms/testing/election_helpers.hpp"
#include "tests/algorithms/testing/test_network.hpp"

namespace clocksim::election {
namespace {

using namespace clocksim::literals;
using clocksim::testing::setup_for;
using clocksim::testing::TestNetwork;

std::unique_ptr<StandbyElection> make(NodeId self, std::size_t n, const std::string& on_return, bool can_lead = true,
                                      NodeId primary = 0, NodeId secondary = 1) {
  auto s = setup_for("standby", self, n);
  s.can_be_master = can_lead;
  s.params.set("on_primary_return", on_return);
  s.params.set("primary", std::int64_t{primary});
  s.params.set("secondary", std::int64_t{secondary});
  return std::make_unique<StandbyElection>(s);
}

TestNetwork cluster(std::size_t n, const std::string& on_return, bool secondary_can_lead = true) {
  TestNetwork net(1_ms);
  for (NodeId i = 0; i < n; ++i) net.add(make(i, n, on_return, i != 1 || secondary_can_lead));
  return net;
}

TEST(Standby, PrimaryLeadsFromTheStart) {
  TestNetwork net = cluster(5, "resume");
  net.start_all();
  net.run_until(2_s);
  EXPECT_EQ(net.masters(), (std::vector<NodeId>{0}));
  EXPECT_TRUE(net.all_follow(0));
}

TEST(Standby, SecondaryTakesOverAfterStandbyTimeoutOfSilence) {
  TestNetwork net = cluster(5, "resume");
  net.start_all();
  net.run_until(10_s);
  net.crash(0);
  net.run_until(12_s);
  EXPECT_TRUE(net.masters().empty());  // still within standby_timeout (3 s) of the last heartbeat
  net.run_until(15_s);
  EXPECT_EQ(net.masters(), (std::vector<NodeId>{1})) << net.describe();
  EXPECT_TRUE(net.all_follow(1)) << net.describe();
  EXPECT_TRUE(net.has_note(1, NoteKind::kBecameMaster, "standby takes over"));
  EXPECT_TRUE(net.has_note(1, NoteKind::kMasterSilent, "master n0 silent"));
}

TEST(Standby, ReturningPrimaryResumesAndTheSecondaryStepsDown) {
  TestNetwork net = cluster(5, "resume");
  net.start_all();
  net.run_until(10_s);
  net.crash(0);
  net.run_until(20_s);
  net.restart(0, make(0, 5, "resume"));
  net.run_until(22_s);
  EXPECT_EQ(net.masters(), (std::vector<NodeId>{0})) << net.describe();
  EXPECT_TRUE(net.all_follow(0)) << net.describe();
  EXPECT_TRUE(net.has_note(1, NoteKind::kConflict, "steps down"));
}

TEST(Standby, ReturningPrimaryStaysSecondaryAndCoversTheActingMaster) {
  TestNetwork net = cluster(5, "stay_secondary");
  net.start_all();
  net.run_until(10_s);
  ASSERT_EQ(net.masters(), (std::vector<NodeId>{0})) << net.describe() << net.log();
  net.crash(0);
  net.run_until(20_s);
  ASSERT_EQ(net.masters(), (std::vector<NodeId>{1}));
  net.restart(0, make(0, 5, "stay_secondary"));
  net.run_until(30_s);
  EXPECT_EQ(net.masters(), (std::vector<NodeId>{1})) << net.describe();
  EXPECT_TRUE(net.all_follow(1));
  net.crash(1);
  net.run_until(40_s);
  EXPECT_EQ(net.masters(), (std::vector<NodeId>{0})) << net.describe();
  EXPECT_TRUE(net.all_follow(0));
}

TEST(Standby, SecondaryThatMayNotLeadNeverTakesOver) {
  TestNetwork net = cluster(4, "resume", /*secondary_can_lead=*/false);
  net.start_all();
  net.run_until(5_s);
  net.crash(0);
  net.run_until(30_s);
  EXPECT_TRUE(net.masters().empty());
}

TEST(Standby, PartitionedSecondaryYieldsToThePrimaryOnHeal) {
  TestNetwork net = cluster(5, "resume");
  net.start_all();
  net.run_until(5_s);
  net.partition({{0, 2}, {1, 3, 4}});
  net.run_until(15_s);
  ASSERT_EQ(net.masters().size(), 2u);
  net.heal();
  net.run_until(17_s);
  EXPECT_EQ(net.masters(), (std::vector<NodeId>{0})) << net.describe();
  EXPECT_TRUE(net.all_follow(0)) << net.describe();
}

}  // namespace
}  // namespace clocksim::election
