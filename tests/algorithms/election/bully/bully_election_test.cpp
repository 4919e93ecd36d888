#include "algorithms/election/bully/bully_election.hpp"

#include <gtest/gtest.h>

#include <cstdio>

#include "tests/algorithms/testing/election_helpers.hpp"
#include "tests/algorithms/testing/test_network.hpp"

namespace clocksim::election {
namespace {

using namespace clocksim::literals;
using namespace clocksim::testing;

TimerId T(std::uint32_t local) { return election_timer(local); }
std::unique_ptr<BullyElection> make(NodeId self, std::size_t n, bool can_be_master = true) {
  auto s = setup_for("bully", self, n);
  s.can_be_master = can_be_master;
  return std::make_unique<BullyElection>(s);
}

TEST(BullyElection, StartSendsElectionToEveryHigherIdAndWinsWhenNoneAnswers) {
  auto m = make(2, 5);
  Effects out;
  m->on_start(at(0_s), out);
  ASSERT_EQ(out.sends().size(), 2u);
  EXPECT_EQ(out.sends()[0].to, 3u);
  EXPECT_EQ(out.sends()[1].to, 4u);
  EXPECT_EQ(out.sends()[0].msg.type, MsgType::kBullyElection);
  EXPECT_EQ(find_timer(out, T(BullyElection::kAnswerTimer))->after, 500_ms);
  EXPECT_EQ(m->role(), Role::kCandidate);
  Effects t;
  m->on_timer(at(500_ms), T(BullyElection::kAnswerTimer), t);
  EXPECT_EQ(m->role(), Role::kMaster);
  EXPECT_EQ(sends_of(t, MsgType::kBullyCoordinator).size(), 1u);
  EXPECT_TRUE(has_note(t, EventKind::kBecameMaster));
}

TEST(BullyElection, HighestIdDeclaresItselfAtOnce) {
  auto m = make(4, 5);
  Effects out;
  m->on_start(at(0_s), out);
  EXPECT_EQ(m->role(), Role::kMaster);
  EXPECT_EQ(sends_of(out, MsgType::kBullyElection).size(), 0u);
  EXPECT_EQ(sends_of(out, MsgType::kBullyCoordinator).size(), 1u);
  Effects hb;
  m->on_timer(at(1_s), T(BullyElection::kHeartbeatTimer), hb);
  EXPECT_EQ(sends_of(hb, MsgType::kHeartbeat).size(), 1u);
}

TEST(BullyElection, OkMeansWaitForCoordinatorAndRestartIfNoneComes) {
  auto m = make(1, 5);
  Effects out;
  m->on_start(at(0_s), out);
  Effects ok;
  m->on_message(at(10_ms), 3, make_message(MsgType::kBullyOk), ok);
  EXPECT_EQ(m->state(), BullyElection::State::kAwaitingCoordinator);
  EXPECT_NE(find_timer(ok, T(BullyElection::kCoordinatorTimer)), nullptr);
  Effects late;
  m->on_timer(at(500_ms), T(BullyElection::kAnswerTimer), late);  // cancelled answer timer: stale
  EXPECT_NE(m->role(), Role::kMaster);
  Effects again;
  m->on_timer(at(3_s), T(BullyElection::kCoordinatorTimer), again);
  EXPECT_EQ(m->state(), BullyElection::State::kElecting);
  EXPECT_EQ(sends_of(again, MsgType::kBullyElection).size(), 3u);
}

TEST(BullyElection, AnswersLowerIdsAndTakesOverButIgnoresHigherOnes) {
  auto setup = setup_for("bully", 2, 5);
  setup.params.set("elect_on_start", false);  // listens: a follower that knows no coordinator
  BullyElection m(setup);
  Effects s;
  m.on_start(at(0_s), s);
  Effects low;
  m.on_message(at(1_s), 0, make_message(MsgType::kBullyElection), low);
  EXPECT_EQ(sends_of(low, MsgType::kBullyOk, 0).size(), 1u);
  EXPECT_EQ(sends_of(low, MsgType::kBullyElection).size(), 2u);  // its own election to 3 and 4
  Effects high;
  m.on_message(at(2_s), 3, make_message(MsgType::kBullyElection), high);
  EXPECT_TRUE(sends_of(high, MsgType::kBullyOk).empty());
}

TEST(BullyElection, FollowerOfALiveHigherCoordinatorAnswersOkWithoutTakingOver) {
  auto m = make(2, 5);
  Effects s;
  m->on_start(at(0_s), s);
  Effects c;
  m->on_message(at(1_ms), 4, make_message(MsgType::kBullyCoordinator), c);
  Effects low;
  m->on_message(at(1_s), 0, make_message(MsgType::kBullyElection), low);
  EXPECT_EQ(sends_of(low, MsgType::kBullyOk, 0).size(), 1u);
  EXPECT_TRUE(sends_of(low, MsgType::kBullyElection).empty());  // n4 answers n0 itself
  EXPECT_EQ(m->believed_master(), 4u);
  EXPECT_EQ(m->state(), BullyElection::State::kFollower);
}

TEST(BullyElection, CoordinatorAnswersAnElectionWithOkAndItsCoordinatorToTheAskerOnly) {
  auto m = make(4, 5);
  Effects s;
  m->on_start(at(0_s), s);
  Effects e;
  m->on_message(at(1_s), 1, make_message(MsgType::kBullyElection), e);
  EXPECT_EQ(sends_of(e, MsgType::kBullyOk, 1).size(), 1u);
  ASSERT_EQ(e.sends().size(), 2u);
  EXPECT_EQ(e.sends()[1].to, 1u);
  EXPECT_EQ(e.sends()[1].msg.type, MsgType::kBullyCoordinator);
}

TEST(BullyElection, LowerCoordinatorIsBullied) {
  auto m = make(3, 5);
  Effects s;
  m->on_start(at(0_s), s);
  Effects c;
  m->on_message(at(1_ms), 4, make_message(MsgType::kBullyCoordinator), c);
  Effects low;
  m->on_message(at(1_s), 1, make_message(MsgType::kBullyCoordinator), low);
  EXPECT_TRUE(has_note(low, Note(NoteWhat::kBulliesLower)));
  EXPECT_EQ(m->state(), BullyElection::State::kElecting);
}

TEST(BullyElection, SilentCoordinatorTriggersAnElection) {
  auto m = make(1, 5);
  Effects s;
  m->on_start(at(0_s), s);
  Effects c;
  m->on_message(at(1_ms), 4, make_message(MsgType::kBullyCoordinator), c);
  EXPECT_EQ(find_timer(c, T(BullyElection::kFailureTimer))->after, 4500_ms);
  Effects hb;
  m->on_message(at(1_s), 4, make_message(MsgType::kHeartbeat), hb);
  EXPECT_NE(find_timer(hb, T(BullyElection::kFailureTimer)), nullptr);
  Effects act;
  m->on_master_activity(4, at(2_s), act);
  EXPECT_NE(find_timer(act, T(BullyElection::kFailureTimer)), nullptr);
  Effects fire;
  m->on_timer(at(7_s), T(BullyElection::kFailureTimer), fire);
  EXPECT_TRUE(has_note(fire, Note(NoteWhat::kNoHeartbeatFromCoordinator).with_subject(4)));
  EXPECT_TRUE(has_note(fire, EventKind::kElectionStarted));
  EXPECT_EQ(sends_of(fire, MsgType::kBullyElection).size(), 3u);
}

TEST(BullyElection, NodeThatMayNotLeadNeverAnswersNorClaims) {
  auto m = make(4, 5, /*can_be_master=*/false);
  Effects out;
  m->on_start(at(0_s), out);
  // It asks everyone (flagged), since any id may be the highest eligible one.
  auto asked = sends_of(out, MsgType::kBullyElection);
  ASSERT_EQ(asked.size(), 4u);
  EXPECT_TRUE(asked[0].flags & BullyElection::kIneligibleSender);
  Effects t;
  m->on_timer(at(1_s), T(BullyElection::kAnswerTimer), t);
  EXPECT_NE(m->role(), Role::kMaster);
  Effects e;
  m->on_message(at(2_s), 1, make_message(MsgType::kBullyElection), e);
  EXPECT_TRUE(sends_of(e, MsgType::kBullyOk).empty());

  auto lower = make(1, 5);
  Effects s;
  lower->on_start(at(0_s), s);
  Message flagged = make_message(MsgType::kBullyElection);
  flagged.flags = BullyElection::kIneligibleSender;
  Effects r;
  lower->on_message(at(1_ms), 4, flagged, r);
  EXPECT_EQ(sends_of(r, MsgType::kBullyOk, 4).size(), 1u);
}


// ---- graceful hand-over (LEAVE) ------------------------------------------------------------

// A node of 5 that follows coordinator `master`.
std::unique_ptr<BullyElection> follower_of(NodeId self, NodeId master) {
  auto m = make(self, 5);
  Effects s;
  m->on_start(at(0_s), s);
  Effects c;
  m->on_message(at(1_ms), master, make_message(MsgType::kBullyCoordinator), c);
  EXPECT_EQ(m->believed_master(), master);
  return m;
}

TEST(BullyElection, LeaveFromItsCoordinatorStartsAnElectionAtOnceWithoutTheLeaver) {
  auto f = follower_of(2, 4);
  Effects stranger;
  f->on_message(at(2_s), 0, leave_from(0), stranger);  // n0 is not its coordinator: no election
  EXPECT_TRUE(stranger.sends().empty());
  EXPECT_TRUE(stranger.notes().empty());
  EXPECT_TRUE(stranger.timers().empty());
  EXPECT_EQ(f->state(), BullyElection::State::kFollower);
  EXPECT_EQ(f->believed_master(), 4u);
  EXPECT_TRUE(f->departed(0));  // but n0 is going away (a lower id: never asked anyway)

  Effects left;
  f->on_message(at(2_s), 4, leave_from(4), left);
  EXPECT_TRUE(has_note(left, Note(NoteWhat::kMasterLeft).with_subject(4)));
  EXPECT_TRUE(has_note(left, EventKind::kElectionStarted));
  EXPECT_EQ(f->state(), BullyElection::State::kElecting);
  EXPECT_EQ(f->believed_master(), kNoNode);
  EXPECT_TRUE(f->departed(4));
  // ELECTION to the live higher id only; the leaver is not asked (it would never answer).
  ASSERT_EQ(sends_of(left, MsgType::kBullyElection).size(), 1u);
  EXPECT_EQ(sends_of(left, MsgType::kBullyElection, 3).size(), 1u);

  // The next highest has nobody live above it: it claims at once.
  auto next = follower_of(3, 4);
  Effects claim;
  next->on_message(at(2_s), 4, leave_from(4), claim);
  EXPECT_EQ(next->role(), Role::kMaster);
  EXPECT_TRUE(sends_of(claim, MsgType::kBullyElection).empty());
  EXPECT_EQ(sends_of(claim, MsgType::kBullyCoordinator).size(), 1u);
}

// The new coordinator's COORDINATOR can overtake the old one's LEAVE: the follower then follows
// the new one, and the late LEAVE still keeps it from following the leaver's late heartbeat.
TEST(BullyElection, LeaveOvertakenByTheNewCoordinatorStillMarksTheLeaverDeparted) {
  auto f = follower_of(2, 4);
  Effects c;
  f->on_message(at(2_s), 3, make_message(MsgType::kBullyCoordinator), c);
  ASSERT_EQ(f->believed_master(), 3u);
  Effects late;
  f->on_message(at(2_s + 1_ms), 4, leave_from(4), late);
  EXPECT_TRUE(late.sends().empty());
  EXPECT_EQ(f->believed_master(), 3u);
  EXPECT_TRUE(f->departed(4));
  Effects hb;
  f->on_message(at(2_s + 2_ms), 4, make_message(MsgType::kHeartbeat), hb);
  EXPECT_EQ(f->believed_master(), 3u) << "followed a heartbeat the leaver sent before its LEAVE";
}

TEST(BullyElection, LeaverIsNeverElectedUntilItIsHeardHoldingAnElectionOrClaiming) {
  auto f = follower_of(2, 4);
  Effects left;
  f->on_message(at(2_s), 4, leave_from(4), left);
  // Late messages the leaver sent before its LEAVE: no effect.
  Effects late_ok;
  f->on_message(at(2_s + 1_ms), 4, make_message(MsgType::kBullyOk), late_ok);
  EXPECT_EQ(f->state(), BullyElection::State::kElecting);
  Effects late_hb;
  f->on_message(at(2_s + 1_ms), 4, make_message(MsgType::kHeartbeat), late_hb);
  EXPECT_NE(f->believed_master(), 4u);
  EXPECT_TRUE(late_hb.sends().empty());
  // n3 does not answer either: n2 is the highest live node.
  Effects won;
  f->on_timer(at(2_s + 500_ms), T(BullyElection::kAnswerTimer), won);
  EXPECT_EQ(f->role(), Role::kMaster);
  EXPECT_TRUE(f->departed(4));

  // n4 restarts and claims: it is back, and as the higher id it is followed.
  Effects back;
  f->on_message(at(20_s), 4, make_message(MsgType::kBullyCoordinator), back);
  EXPECT_FALSE(f->departed(4));
  EXPECT_TRUE(has_note(back, Note(NoteWhat::kBullyNodeBack).with_peer(4)));
  EXPECT_EQ(f->believed_master(), 4u);
  // ... and asked again in the next election.
  Effects fire;
  f->on_timer(at(30_s), T(BullyElection::kFailureTimer), fire);
  EXPECT_EQ(sends_of(fire, MsgType::kBullyElection, 4).size(), 1u);
}

TEST(BullyElection, RestartedLeaverHoldingAnElectionIsAnsweredAndAskedAgain) {
  auto f = follower_of(2, 4);
  Effects left;
  f->on_message(at(2_s), 4, leave_from(4), left);
  Effects fire;
  f->on_timer(at(2_s + 500_ms), T(BullyElection::kAnswerTimer), fire);
  ASSERT_EQ(f->role(), Role::kMaster);
  // A restarted n4 (elect_on_start) asks nobody, since nobody is above it; a lower restarted
  // node asks n2: either ELECTION shows it is up.
  auto low = make(0, 5);
  Effects s;
  low->on_start(at(0_s), s);
  Effects c;
  low->on_message(at(1_ms), 4, make_message(MsgType::kBullyCoordinator), c);
  Effects l;
  low->on_message(at(2_s), 4, leave_from(4), l);
  ASSERT_TRUE(low->departed(4));
  Effects e;
  low->on_message(at(20_s), 4, make_message(MsgType::kBullyElection), e);
  EXPECT_FALSE(low->departed(4));
}

// ---- multi-node ------------------------------------------------------------------------------

TestNetwork cluster(std::size_t n, std::uint64_t seed = 1) {
  TestNetwork net(1_ms);
  for (NodeId i = 0; i < n; ++i) {
    auto s = setup_for("bully", i, n, seed);
    net.add(std::make_unique<BullyElection>(s));
  }
  return net;
}

TEST(BullyNetwork, HighestIdWinsAndAChainWithDeadTopNodesEndsAtTheHighestLive) {
  TestNetwork net = cluster(5);
  net.start_all();
  net.run_until(5_s);
  ASSERT_EQ(net.masters(), (std::vector<NodeId>{4}));
  EXPECT_TRUE(net.all_follow(4));
  net.crash(4);
  net.crash(3);
  const std::size_t before = net.sent().size();
  net.run_until(15_s);
  ASSERT_EQ(net.masters(), (std::vector<NodeId>{2})) << net.describe() << net.log();
  EXPECT_TRUE(net.all_follow(2));
  // Every live node detected the silence; the chain asked the dead n3 and n4 too.
  std::size_t to_dead = 0;
  for (std::size_t i = before; i < net.sent().size(); ++i) {
    const auto& s = net.sent()[i];
    to_dead += (s.msg.type == MsgType::kBullyElection && (s.to == 3 || s.to == 4)) ? 1 : 0;
  }
  EXPECT_GE(to_dead, 6u);
}

TEST(BullyNetwork, RecoveredHighestIdBulliesItsWayBack) {
  TestNetwork net = cluster(5);
  net.start_all();
  net.run_until(5_s);
  net.crash(4);
  net.run_until(12_s);
  ASSERT_EQ(net.masters(), (std::vector<NodeId>{3}));
  net.restart(4, std::make_unique<BullyElection>(setup_for("bully", 4, 5, 2)));
  net.run_until(14_s);
  EXPECT_EQ(net.masters(), (std::vector<NodeId>{4})) << net.describe();
  EXPECT_TRUE(net.all_follow(4));
}

TEST(BullyNetwork, PartitionHealLeavesTheHigherCoordinator) {
  TestNetwork net = cluster(6);
  net.start_all();
  net.run_until(5_s);
  net.partition({{0, 1, 2}, {3, 4, 5}});
  net.run_until(15_s);
  ASSERT_EQ(net.masters().size(), 2u) << net.describe();
  net.heal();
  net.run_until(17_s);
  EXPECT_EQ(net.masters(), (std::vector<NodeId>{5})) << net.describe() << net.log();
  EXPECT_TRUE(net.all_follow(5));
}

// A coordinator stopped gracefully hands over within a few message delays; a crash of the same
// node needs the failure timeout (4.5 s) first.
TEST(BullyNetwork, CoordinatorLeavingHandsOverMuchFasterThanTheFailureTimeout) {
  TestNetwork net = cluster(5);
  net.start_all();
  net.run_until(5_s);
  ASSERT_EQ(net.masters(), (std::vector<NodeId>{4}));
  const std::size_t before = net.sent().size();
  net.shutdown(4);
  const auto handover = net.run_until_true([&] { return net.masters() == std::vector<NodeId>{3} && net.all_follow(3); },
                                           10_s, 1_ms);
  ASSERT_TRUE(handover.has_value()) << net.describe() << net.log();
  std::printf("bully: LEAVE hand-over %.3f ms (failure timeout 4.5 s)\n", handover->seconds() * 1e3);
  EXPECT_LE(*handover, 10_ms);
  for (NodeId i = 0; i < 4; ++i) EXPECT_TRUE(net.has_note(i, Note(NoteWhat::kMasterLeft).with_subject(4))) << i;
  for (std::size_t i = before; i < net.sent().size(); ++i) {
    EXPECT_FALSE(net.sent()[i].to == 4 && net.sent()[i].msg.type == MsgType::kBullyElection) << "asked the leaver";
  }
  net.run_until(20_s);  // stable: no timeout-driven election afterwards
  EXPECT_EQ(net.masters(), (std::vector<NodeId>{3})) << net.describe();
  EXPECT_TRUE(net.all_follow(3));

  // The leaver comes back: it bullies its way back as the highest id and is followed again.
  net.restart(4, std::make_unique<BullyElection>(setup_for("bully", 4, 5, 2)));
  net.run_until(22_s);
  EXPECT_EQ(net.masters(), (std::vector<NodeId>{4})) << net.describe() << net.log();
  EXPECT_TRUE(net.all_follow(4));

  // Compare: a crash of the same coordinator is noticed only after the failure timeout.
  net.crash(4);
  const auto failover = net.run_until_true([&] { return net.masters() == std::vector<NodeId>{3} && net.all_follow(3); },
                                           20_s, 1_ms);
  ASSERT_TRUE(failover.has_value()) << net.describe();
  std::printf("bully: crash failover %.3f s\n", failover->seconds());
  EXPECT_GT(*failover, 3_s);
}

// A leaver back up claims once; if that COORDINATOR is lost (a partition), the nodes that heard
// its LEAVE must still take it back from its heartbeats. A heartbeat within a message delay (at
// most T) of the LEAVE was sent before it; one later comes from the node back up.
TEST(BullyElection, ALeaversHeartbeatLongAfterItsLeaveRevivesIt) {
  auto f = follower_of(2, 4);
  Effects left;
  f->on_message(at(2_s), 4, leave_from(4), left);
  Effects won;
  f->on_timer(at(2_s + 500_ms), T(BullyElection::kAnswerTimer), won);
  ASSERT_EQ(f->role(), Role::kMaster);
  Effects early;
  f->on_message(at(2_s + 500_ms), 4, make_message(MsgType::kHeartbeat), early);  // within T: before the LEAVE
  EXPECT_TRUE(f->departed(4));
  EXPECT_EQ(f->role(), Role::kMaster);
  Effects back;
  f->on_message(at(2_s + 501_ms), 4, make_message(MsgType::kHeartbeat), back);
  EXPECT_FALSE(f->departed(4));
  EXPECT_TRUE(has_note(back, Note(NoteWhat::kBullyNodeBack).with_peer(4).because(NoteWhy::kBeatsLongAfterLeaving)));
  EXPECT_EQ(f->believed_master(), 4u);  // the higher coordinator
  EXPECT_EQ(f->role(), Role::kSlave);
}

// The two ways this went wrong before: two coordinators for good, and lower nodes holding an
// election every second for good (they never asked the returned leader, who never answered).
TEST(BullyNetwork, ALeaverWhoseClaimWasLostInAPartitionIsFollowedAfterTheHeal) {
  {
    TestNetwork net = cluster(4);
    net.start_all();
    net.run_until(10_s);
    ASSERT_EQ(net.masters(), (std::vector<NodeId>{3}));
    net.shutdown(3);
    net.run_until(15_s);
    net.partition({{2}, {0, 1, 3}});
    net.run_until(20_s);
    net.restart(3, std::make_unique<BullyElection>(setup_for("bully", 3, 4, 1)));  // its claim misses n2
    net.run_until(30_s);
    net.heal();
    net.run_until(40_s);
    EXPECT_EQ(net.masters(), (std::vector<NodeId>{3})) << net.describe() << net.log();
    EXPECT_TRUE(net.all_follow(3)) << net.describe();
  }
  {
    TestNetwork net = cluster(5);
    net.start_all();
    net.run_until(10_s);
    net.shutdown(4);
    net.run_until(12_s);
    net.crash(3);
    net.run_until(14_s);
    net.restart(3, std::make_unique<BullyElection>(setup_for("bully", 3, 5)));
    net.run_until(16_s);
    net.partition({{0, 2, 3}, {1, 4}});
    net.restart(4, std::make_unique<BullyElection>(setup_for("bully", 4, 5, 1)));
    net.run_until(30_s);
    net.heal();
    net.run_until(40_s);
    const std::size_t elections_before = net.count_sent(MsgType::kBullyElection);
    net.run_until(60_s);
    EXPECT_EQ(net.count_sent(MsgType::kBullyElection), elections_before) << "elections go on after the heal";
    EXPECT_EQ(net.masters(), (std::vector<NodeId>{4})) << net.describe();
    EXPECT_TRUE(net.all_follow(4)) << net.describe();
  }
}

TEST(BullyNetwork, LeaverThatIsNotTheHighestIdHandsOverToTheHighestLive) {
  // n4 may not lead, so n3 coordinates; when n3 leaves, n2 is the highest live eligible node.
  TestNetwork net(1_ms);
  for (NodeId i = 0; i < 5; ++i) {
    auto s = setup_for("bully", i, 5);
    s.can_be_master = i != 4;
    net.add(std::make_unique<BullyElection>(s));
  }
  net.start_all();
  net.run_until(5_s);
  ASSERT_EQ(net.masters(), (std::vector<NodeId>{3})) << net.describe();
  net.shutdown(3);
  const auto handover = net.run_until_true([&] { return net.masters() == std::vector<NodeId>{2} && net.all_follow(2); },
                                           10_s, 1_ms);
  ASSERT_TRUE(handover.has_value()) << net.describe() << net.log();
  EXPECT_LE(*handover, 1_s);
}

// Elections are named by their initiator and its own count: the asker's id travels in ELECTION's
// term, OK echoes it, and the one who takes over names both its own election and the asker's.
// A restarted node continues its count (elections_before), so "n2#1" names one election only.
TEST(BullyElection, ElectionIdsAreTheInitiatorsOwnCountContinuingAcrossARestart) {
  auto s = setup_for("bully", 2, 5);
  s.elections_before = 4;  // its earlier incarnations started elections 1..4
  BullyElection m(s);
  Effects out;
  m.on_start(at(0_s), out);
  EXPECT_TRUE(has_note(out, Note(NoteWhat::kBullyElectionStarted).with_election({2, 5})));
  for (const auto& e : sends_of(out, MsgType::kBullyElection)) EXPECT_EQ(e.term, 5u);

  auto lower = make(1, 5);
  Effects lo;
  lower->on_start(at(0_s), lo);
  const Message asked = sends_of(lo, MsgType::kBullyElection, 2).at(0);
  EXPECT_EQ(asked.term, 1u);  // n1's first election: n1#1
  Effects over;
  m.on_message(at(5_ms), 1, asked, over);
  EXPECT_EQ(sends_of(over, MsgType::kBullyOk, 1).at(0).term, 1u);
  Effects ok;
  lower->on_message(at(6_ms), 2, sends_of(over, MsgType::kBullyOk, 1).at(0), ok);
  EXPECT_TRUE(has_note(ok, Note(NoteWhat::kOkReceived).with_peer(2).with_election({1, 1})));
  // n2 was already electing (its own n2#5): it answers without a second election of its own.
  EXPECT_EQ(m.term(), 5u);
  // A higher term heard from another node does not renumber this node's elections.
  Message foreign = make_message(MsgType::kBullyElection);
  foreign.term = 40;
  Effects f;
  m.on_message(at(7_ms), 0, foreign, f);
  EXPECT_EQ(m.term(), 5u);
}

}  // namespace
}  // namespace clocksim::election
