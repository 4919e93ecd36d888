#include "algorithms/election/static/static_election.hpp"

#include <gtest/gtest.h>

#include "algorithms/registry.hpp"
#include "tests/algorithms/testing/election_helpers.hpp"

namespace clocksim::election {
namespace static_election_test {

using clocksim::testing::setup_for;

StaticElection make(NodeId self, std::size_t n, std::int64_t leader) {
  auto s = setup_for("static", self, n);
  s.params.set("leader", leader);
  return StaticElection(s);
}

TEST(StaticElection, TheNamedNodeLeadsAndEveryOtherFollowsIt) {
  for (NodeId self = 0; self < 4; ++self) {
    const StaticElection e = make(self, 4, 2);
    EXPECT_EQ(e.leader(), 2u);
    EXPECT_EQ(e.believed_master(), 2u);
    EXPECT_EQ(e.role(), self == 2 ? Role::kMaster : Role::kSlave);
    EXPECT_FALSE(e.elects());
  }
}

TEST(StaticElection, ByDefaultTheLowestIdLeads) {
  auto s = setup_for("static", 7, 0);
  s.membership.members = std::make_shared<const std::vector<NodeId>>(std::vector<NodeId>{3, 7, 9});
  EXPECT_EQ(StaticElection(s).leader(), 3u);
  s.membership.members = nullptr;  // nobody known: nobody leads
  EXPECT_EQ(StaticElection(s).leader(), kNoNode);
}

TEST(StaticElection, NeverSendsNorSetsATimerAndIgnoresEveryInput) {
  StaticElection e = make(1, 3, 0);
  Effects out;
  e.on_start(LocalTime::epoch(), out);
  Message leave = make_message(MsgType::kLeave);
  leave.subject = 0;
  e.on_message(LocalTime::from_ns(5), 0, leave, out);  // even the leader's LEAVE changes nothing
  e.on_message(LocalTime::from_ns(6), 2, make_message(MsgType::kBullyCoordinator), out);
  e.on_timer(LocalTime::from_ns(7), TimerSpace::make(kElectionTimerPart, 1), out);
  e.on_master_activity(2, LocalTime::from_ns(8), out);
  e.on_shutdown(LocalTime::from_ns(9), out);
  EXPECT_TRUE(out.empty());
  EXPECT_EQ(e.believed_master(), 0u);
}

// Under the static election the stack shows the sync layer's own role and master: a Cristian
// server is "server", an NTP node's master is its system peer, not the static leader.
TEST(StaticElection, TheStackShowsTheSyncLayersRole) {
  auto members = std::make_shared<std::vector<NodeId>>(std::vector<NodeId>{0, 1, 2});
  algorithms::StackSetup s;
  s.membership = Membership{0, members};
  const auto* cristian = algorithms::find_registration("cristian", algorithms::Layer::kSync);
  s.sync = {"cristian", ParamSet::defaults(cristian->info.params)};
  auto server = algorithms::make_stack(s);
  Effects out;
  server->on_start(LocalTime::epoch(), out);
  EXPECT_EQ(server->role(), Role::kServer);
  s.membership.self = 1;
  auto client = algorithms::make_stack(s);
  client->on_start(LocalTime::epoch(), out);
  EXPECT_EQ(client->role(), Role::kClient);
  EXPECT_EQ(client->believed_master(), 0u);
}

TEST(StaticElection, OldLeaderParametersSayWhereTheyWent) {
  EXPECT_TRUE(moved_to_static_election("berkeley", "master"));
  EXPECT_TRUE(moved_to_static_election("cristian", "server"));
  EXPECT_TRUE(moved_to_static_election("ntp", "server"));
  EXPECT_FALSE(moved_to_static_election("berkeley", "server"));
  EXPECT_FALSE(moved_to_static_election("welch_lynch", "master"));
  EXPECT_NE(moved_to_static_election("berkeley", "master")->find("election: {kind: static, leader: <id>}"),
            std::string::npos);
}

}  // namespace static_election_test
}  // namespace clocksim::election
