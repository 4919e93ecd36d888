#include "algorithms/election/standby/standby_election.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <limits>

#include "tests/algorithms/testing/election_helpers.hpp"
#include "tests/algorithms/testing/test_network.hpp"

namespace clocksim::election {
namespace standby_election_test {

using namespace clocksim::literals;
using namespace clocksim::testing;

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
  EXPECT_TRUE(net.has_note(1, Note(NoteWhat::kBecomesMaster).because(NoteWhy::kStandbyTakesOver)));
  EXPECT_TRUE(net.has_note(1, Note(NoteWhat::kMasterSilentFor).with_subject(0)));
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
  EXPECT_TRUE(net.has_note(1, Note(NoteWhat::kOutranked)));
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

// ---- graceful hand-over (LEAVE) ------------------------------------------------------------

Message heartbeat_from(NodeId master, std::uint32_t term) {
  Message m = make_message(MsgType::kHeartbeat);
  m.subject = master;
  m.term = term;
  return m;
}

TEST(Standby, LeaveFromThePrimaryMakesTheSecondaryLeadAtOnce) {
  auto secondary = make(1, 5, "resume");
  Effects s;
  secondary->on_start(at(0_s), s);
  Effects hb;
  secondary->on_message(at(1_s), 0, heartbeat_from(0, 0), hb);
  Effects stranger;
  secondary->on_message(at(2_s), 3, leave_from(3), stranger);  // not its master: ignored
  EXPECT_TRUE(stranger.sends().empty());
  EXPECT_TRUE(stranger.notes().empty());
  EXPECT_EQ(secondary->believed_master(), 0u);
  Effects left;
  secondary->on_message(at(2_s), 0, leave_from(0), left);
  EXPECT_EQ(secondary->role(), Role::kMaster);
  EXPECT_TRUE(has_note(left, Note(NoteWhat::kMasterLeft).with_subject(0)));
  EXPECT_TRUE(has_note(left, Note(NoteWhat::kBecomesMaster).because(NoteWhy::kStandbyMasterLeft).with_peer(0)));
  EXPECT_EQ(sends_of(left, MsgType::kHeartbeat).size(), 1u);

  // Any other node forgets the leaver and follows the next heartbeat, the secondary's.
  auto other = make(3, 5, "resume");
  Effects o;
  other->on_start(at(0_s), o);
  Effects ol;
  other->on_message(at(2_s), 0, leave_from(0), ol);
  EXPECT_EQ(other->role(), Role::kSlave);
  EXPECT_EQ(other->believed_master(), kNoNode);
  Effects next;
  other->on_message(at(2_s + 1_ms), 1, heartbeat_from(1, 1), next);
  EXPECT_EQ(other->believed_master(), 1u);
}

TEST(Standby, LeavingActingSecondaryHandsBackToAFollowingPrimary) {
  // stay_secondary: the returned primary follows the acting secondary and covers it.
  auto primary = make(0, 5, "stay_secondary");
  Effects s;
  primary->on_start(at(0_s), s);
  Effects hb;
  primary->on_message(at(1_s), 1, heartbeat_from(1, 3), hb);
  ASSERT_EQ(primary->believed_master(), 1u);
  Effects left;
  primary->on_message(at(2_s), 1, leave_from(1), left);
  EXPECT_EQ(primary->role(), Role::kMaster);
  EXPECT_TRUE(has_note(left, Note(NoteWhat::kBecomesMaster).because(NoteWhy::kPrimaryMasterLeft).with_peer(1)));
}

TEST(Standby, LeavingSecondaryWithThePrimaryDownLeavesNoMaster) {
  auto other = make(3, 5, "resume");
  Effects s;
  other->on_start(at(0_s), s);
  Effects silent;  // the primary is down: n3 stops counting on it
  other->on_timer(at(5_s), TimerSpace::make(kElectionTimerPart, StandbyElection::kWatchTimer), silent);
  Effects hb;
  other->on_message(at(5_s + 1_ms), 1, heartbeat_from(1, 1), hb);
  ASSERT_EQ(other->believed_master(), 1u);
  Effects left;
  other->on_message(at(2_s), 1, leave_from(1), left);
  EXPECT_EQ(other->role(), Role::kSlave);
  EXPECT_EQ(other->believed_master(), kNoNode);
  // The restarted primary (or secondary) is followed as soon as it heartbeats.
  Effects back;
  other->on_message(at(30_s), 0, heartbeat_from(0, 0), back);
  EXPECT_EQ(other->believed_master(), 0u);
}

// Only the primary and the secondary may lead, so only their heartbeats count. A member outside
// the pair (a key holder that lies) must not be followed however high a term it claims: not by a
// slave whose master went silent, not by an acting secondary, not by a primary under
// stay_secondary; nor may its term push the pair's next takeover term round to 0.
TEST(Standby, HeartbeatsOfAMemberOutsideThePairAreNeverFollowed) {
  const std::uint32_t huge = std::numeric_limits<std::uint32_t>::max();
  auto other = make(3, 5, "resume");
  Effects s;
  other->on_start(at(0_s), s);
  Effects silent;
  other->on_timer(at(5_s), TimerSpace::make(kElectionTimerPart, StandbyElection::kWatchTimer), silent);
  ASSERT_EQ(other->believed_master(), kNoNode);
  Effects claim;
  other->on_message(at(5_s + 1_ms), 4, heartbeat_from(4, 7), claim);
  EXPECT_EQ(other->believed_master(), kNoNode) << "followed n4, which may not lead";
  Effects relay;  // nor may it make a slave drop its master by "relaying" the master's LEAVE
  Message relayed = heartbeat_from(4, 7);
  relayed.flags |= StandbyElection::kRelaysLeave;
  relayed.value_ns = 1;
  other->on_message(at(5_s + 2_ms), 1, heartbeat_from(1, 1), relay);
  ASSERT_EQ(other->believed_master(), 1u);
  other->on_message(at(5_s + 3_ms), 4, relayed, relay);
  EXPECT_EQ(other->believed_master(), 1u);
  other->on_message(at(5_s + 4_ms), 4, heartbeat_from(4, huge), relay);
  EXPECT_EQ(other->believed_master(), 1u);

  // The secondary, acting master after the primary left, keeps leading; its term stays its own.
  auto secondary = make(1, 5, "resume");
  Effects s1;
  secondary->on_start(at(0_s), s1);
  Effects pushed;
  secondary->on_message(at(1_s), 4, heartbeat_from(4, huge), pushed);
  EXPECT_EQ(secondary->believed_master(), 0u);
  Effects left;
  secondary->on_message(at(2_s), 0, leave_from(0), left);
  ASSERT_EQ(secondary->role(), Role::kMaster);
  const auto first = sends_of(left, MsgType::kHeartbeat);
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0].term, 1u) << "a stranger's term set the takeover term";
  Effects usurp;
  secondary->on_message(at(3_s), 4, heartbeat_from(4, 1000), usurp);
  EXPECT_EQ(secondary->role(), Role::kMaster);
  EXPECT_EQ(secondary->believed_master(), 1u);

  // stay_secondary ranks by term alone within the pair: a stranger's higher term must not count.
  auto primary = make(0, 5, "stay_secondary");
  Effects s0;
  primary->on_start(at(0_s), s0);
  Effects lead;
  primary->on_timer(at(5_s), TimerSpace::make(kElectionTimerPart, StandbyElection::kWatchTimer), lead);
  ASSERT_EQ(primary->role(), Role::kMaster);
  Effects usurp0;
  primary->on_message(at(6_s), 4, heartbeat_from(4, 1000), usurp0);
  EXPECT_EQ(primary->role(), Role::kMaster);
  EXPECT_EQ(primary->believed_master(), 0u);
}

TEST(Standby, NewMastersFirstHeartbeatRelaysTheLeaveItMayOvertake) {
  auto secondary = make(1, 5, "resume");
  Effects s;
  secondary->on_start(at(0_s), s);
  Effects left;
  secondary->on_message(at(2_s), 0, leave_from(0), left);
  const auto first = sends_of(left, MsgType::kHeartbeat);
  ASSERT_EQ(first.size(), 1u);
  EXPECT_TRUE(first[0].flags & StandbyElection::kRelaysLeave);
  EXPECT_EQ(first[0].value_ns, 0);
  Effects next;
  secondary->on_timer(at(3_s), TimerSpace::make(kElectionTimerPart, StandbyElection::kHeartbeatTimer), next);
  EXPECT_FALSE(sends_of(next, MsgType::kHeartbeat).at(0).flags & StandbyElection::kRelaysLeave);

  // n3 hears the relaying heartbeat before n0's own LEAVE: it follows n1 at once.
  auto other = make(3, 5, "resume");
  Effects o;
  other->on_start(at(0_s), o);
  ASSERT_EQ(other->believed_master(), 0u);
  Effects plain;
  other->on_message(at(2_s), 1, heartbeat_from(1, 1), plain);
  EXPECT_EQ(other->believed_master(), 0u) << "without the relay the primary still outranks n1";
  Effects relayed;
  other->on_message(at(2_s), 1, first[0], relayed);
  EXPECT_EQ(other->believed_master(), 1u);
  EXPECT_TRUE(has_note(relayed, Note(NoteWhat::kMasterLeftRelayed).with_subject(0).with_peer(1)));
  Effects late;
  other->on_message(at(2_s + 1_ms), 0, leave_from(0), late);  // no longer its master: ignored
  EXPECT_EQ(other->believed_master(), 1u);
}

TEST(StandbyNetwork, PrimaryLeavingHandsOverMuchFasterThanTheStandbyTimeout) {
  TestNetwork net = cluster(5, "resume");
  net.start_all();
  net.run_until(10_s);
  ASSERT_EQ(net.masters(), (std::vector<NodeId>{0}));
  net.shutdown(0);
  const auto handover = net.run_until_true([&] { return net.masters() == std::vector<NodeId>{1} && net.all_follow(1); },
                                           10_s, 1_ms);
  ASSERT_TRUE(handover.has_value()) << net.describe() << net.log();
  std::printf("standby: LEAVE hand-over %.3f ms (standby timeout 4.5 s)\n", handover->seconds() * 1e3);
  EXPECT_LE(*handover, 10_ms);
  EXPECT_FALSE(net.has_note(1, Note(NoteWhat::kMasterSilentFor)));
  // The primary comes back and resumes (on_primary_return: resume).
  net.restart(0, make(0, 5, "resume"));
  net.run_until(20_s);
  EXPECT_EQ(net.masters(), (std::vector<NodeId>{0})) << net.describe();
  EXPECT_TRUE(net.all_follow(0));
}

TEST(StandbyNetwork, ActingSecondaryLeavingHandsBackToThePrimaryOrToNobody) {
  TestNetwork net = cluster(5, "stay_secondary");
  net.start_all();
  net.run_until(10_s);
  net.crash(0);
  net.run_until(20_s);
  net.restart(0, make(0, 5, "stay_secondary"));
  net.run_until(30_s);
  ASSERT_EQ(net.masters(), (std::vector<NodeId>{1})) << net.describe();
  ASSERT_TRUE(net.all_follow(1));
  net.shutdown(1);
  const auto handover = net.run_until_true([&] { return net.masters() == std::vector<NodeId>{0} && net.all_follow(0); },
                                           10_s, 1_ms);
  ASSERT_TRUE(handover.has_value()) << net.describe() << net.log();
  std::printf("standby: acting secondary LEAVE, primary resumes after %.3f ms\n", handover->seconds() * 1e3);
  EXPECT_LE(*handover, 10_ms);

  // Secondary acting, primary down: its LEAVE leaves no master (nobody else may lead).
  TestNetwork lone = cluster(5, "resume");
  lone.start_all();
  lone.run_until(5_s);
  lone.crash(0);
  lone.run_until(15_s);
  ASSERT_EQ(lone.masters(), (std::vector<NodeId>{1}));
  lone.shutdown(1);
  lone.run_until(40_s);
  EXPECT_TRUE(lone.masters().empty()) << lone.describe();
  EXPECT_TRUE(lone.all_follow(kNoNode)) << lone.describe();
}

TEST(StandbyNetwork, FollowerThatMissesTheLeaveFollowsTheRelayingHeartbeat) {
  TestNetwork net = cluster(5, "resume");
  net.start_all();
  net.run_until(10_s);
  net.set_drop_rule([](Duration, NodeId from, NodeId to, const Message& m) {
    return m.type == MsgType::kLeave && from == 0 && to == 3;
  });
  net.shutdown(0);
  const auto handover = net.run_until_true([&] { return net.masters() == std::vector<NodeId>{1} && net.all_follow(1); },
                                           10_s, 1_ms);
  ASSERT_TRUE(handover.has_value()) << net.describe() << net.log();
  EXPECT_LE(*handover, 10_ms);
  EXPECT_TRUE(net.has_note(3, Note(NoteWhat::kMasterLeftRelayed).with_peer(1)));
}

}  // namespace standby_election_test
}  // namespace clocksim::election
