#include "algorithms/election/ring/ring_election.hpp"

#include <gtest/gtest.h>

#include "tests/algorithms/testing/election_helpers.hpp"
#include "tests/algorithms/testing/test_network.hpp"

namespace clocksim::election {
namespace {

using namespace clocksim::literals;
using clocksim::testing::has_note;
using clocksim::testing::sends_of;
using clocksim::testing::setup_for;
using clocksim::testing::TestNetwork;

TimerId T(std::uint32_t local) { return TimerSpace::make(kElectionTimerPart, local); }
LocalTime at(Duration d) { return LocalTime::from_ns(d.ns()); }

std::unique_ptr<RingElection> make(NodeId self, std::size_t n, bool can_be_master = true, std::uint64_t seed = 1) {
  auto s = setup_for("ring", self, n, seed);
  s.can_be_master = can_be_master;
  return std::make_unique<RingElection>(s);
}

Message election_msg(NodeId initiator, NodeId best, std::uint32_t term) {
  Message m = make_message(MsgType::kRingElection, 5);
  m.value_ns = initiator;
  m.subject = best;
  m.term = term;
  return m;
}

TEST(RingElection, SuccessorWrapsAroundTheIdOrder) {
  auto m = make(2, 5);
  EXPECT_EQ(m->successor_of(2), 3u);
  EXPECT_EQ(m->successor_of(4), 0u);
}

TEST(RingElection, SilenceStartsAnElectionToTheSuccessor) {
  auto m = make(4, 5);
  Effects s;
  m->on_start(at(0_s), s);
  Effects fire;
  m->on_timer(at(3_s), T(RingElection::kFailureTimer), fire);
  EXPECT_TRUE(has_note(fire, NoteKind::kMasterSilent));
  auto sent = sends_of(fire, MsgType::kRingElection, 0);  // 4 wraps to 0
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].subject, 4u);
  EXPECT_EQ(sent[0].value_ns, 4);
  EXPECT_EQ(m->role(), Role::kCandidate);
}

TEST(RingElection, ForwardsWithTheBestIdSoFarAndAcknowledgesEachHop) {
  auto m = make(3, 5);
  Effects a;
  m->on_message(at(1_s), 2, election_msg(1, 2, 7), a);
  ASSERT_EQ(sends_of(a, MsgType::kElectionAck, 2).size(), 1u);
  auto fwd = sends_of(a, MsgType::kRingElection, 4);
  ASSERT_EQ(fwd.size(), 1u);
  EXPECT_EQ(fwd[0].subject, 3u);
  // A copy re-sent after a lost ACK is acknowledged but not forwarded twice.
  Effects dup;
  m->on_message(at(1_s + 200_ms), 2, election_msg(1, 2, 7), dup);
  EXPECT_EQ(sends_of(dup, MsgType::kElectionAck, 2).size(), 1u);
  EXPECT_TRUE(sends_of(dup, MsgType::kRingElection).empty());
}

TEST(RingElection, ForwardingAnElectionKeepsFollowingAMasterStillHeard) {
  auto m = make(3, 5);
  Effects s;
  m->on_start(at(0_s), s);
  Effects hb;
  m->on_message(at(1_s), 4, make_message(MsgType::kHeartbeat), hb);
  ASSERT_EQ(m->believed_master(), 4u);
  Effects a;
  m->on_message(at(2_s), 2, election_msg(1, 2, 7), a);  // n1 suspects n4; this node does not
  EXPECT_EQ(sends_of(a, MsgType::kRingElection, 4).size(), 1u);
  EXPECT_EQ(m->believed_master(), 4u);
  EXPECT_EQ(m->state(), RingElection::State::kFollower);
}

TEST(RingElection, NodeThatMayNotLeadForwardsWithoutPuttingItselfForward) {
  auto m = make(3, 5, /*can_be_master=*/false);
  Effects a;
  m->on_message(at(1_s), 2, election_msg(1, 2, 7), a);
  EXPECT_EQ(sends_of(a, MsgType::kRingElection, 4).at(0).subject, 2u);
}

TEST(RingElection, HigherInitiatorSwallowsALowerInitiatorsElection) {
  auto m = make(3, 5);
  Effects s;
  m->on_start(at(0_s), s);
  Effects fire;
  m->on_timer(at(3_s), T(RingElection::kFailureTimer), fire);
  Effects low;
  m->on_message(at(3_s + 1_ms), 2, election_msg(1, 2, 9), low);
  EXPECT_TRUE(sends_of(low, MsgType::kRingElection).empty());
  Effects high;
  m->on_message(at(3_s + 2_ms), 2, election_msg(4, 4, 9), high);
  EXPECT_EQ(sends_of(high, MsgType::kRingElection, 4).size(), 1u);
}

TEST(RingElection, UnansweredHopIsRetriedThenSkippedToTheNextSuccessor) {
  auto m = make(1, 5);
  Effects a;
  m->on_message(at(1_s), 0, election_msg(0, 0, 7), a);
  ASSERT_EQ(sends_of(a, MsgType::kRingElection, 2).size(), 1u);
  TimerId ack = 0;
  for (const auto& t : a.timers()) {
    if (TimerSpace::local(t.id) >= RingElection::kAckTimerBase) ack = t.id;
  }
  ASSERT_NE(ack, 0u);
  Effects retry;
  m->on_timer(at(1_s + 100_ms), ack, retry);
  EXPECT_EQ(sends_of(retry, MsgType::kRingElection, 2).size(), 1u);
  Effects skip;
  m->on_timer(at(1_s + 300_ms), ack, skip);
  EXPECT_TRUE(has_note(skip, NoteKind::kPeerUnreachable, "n2 does not answer: skips to n3"));
  EXPECT_EQ(sends_of(skip, MsgType::kRingElection, 3).size(), 1u);
}

TEST(RingElection, ReturningElectionMakesTheInitiatorAnnounceTheWinner) {
  auto m = make(0, 5);
  Effects s;
  m->on_start(at(0_s), s);
  Effects fire;
  m->on_timer(at(3_s), T(RingElection::kFailureTimer), fire);
  const Message mine = sends_of(fire, MsgType::kRingElection).at(0);
  Message back = mine;
  back.subject = 3;
  Effects done;
  m->on_message(at(3_s + 5_ms), 4, back, done);
  auto elected = sends_of(done, MsgType::kRingElected, 1);
  ASSERT_EQ(elected.size(), 1u);
  EXPECT_EQ(elected[0].subject, 3u);
  EXPECT_EQ(m->believed_master(), 3u);
  EXPECT_EQ(m->role(), Role::kSlave);
}

// ---- multi-node ------------------------------------------------------------------------------

TestNetwork cluster(std::size_t n, std::uint64_t seed = 1, std::vector<bool> eligible = {}) {
  TestNetwork net(1_ms);
  for (NodeId i = 0; i < n; ++i) net.add(make(i, n, eligible.empty() || eligible[i], seed));
  return net;
}

// A node that has not yet noticed its master's crash hears the heartbeat of the lower id the
// others elected: once its own master has been silent for half the failure timeout it follows
// that one instead of sending its own election round the ring; a live master wins it back.
TEST(RingElection, LowerMastersHeartbeatIsFollowedOnceTheOwnMasterIsSilent) {
  auto m = make(1, 5);
  Effects s;
  m->on_start(at(0_s), s);
  Effects hb4;
  m->on_message(at(1_s), 4, make_message(MsgType::kHeartbeat), hb4);
  ASSERT_EQ(m->believed_master(), 4u);
  Effects early;
  m->on_message(at(1_s + 1_s), 3, make_message(MsgType::kHeartbeat), early);
  EXPECT_EQ(m->believed_master(), 4u) << "n4 heard 1 s ago: not silent yet (default timeout 4.5 s)";
  Effects late;
  m->on_message(at(1_s + 2250_ms), 3, make_message(MsgType::kHeartbeat), late);
  EXPECT_EQ(m->believed_master(), 3u);
  EXPECT_TRUE(has_note(late, NoteKind::kBecameSlave, "follows master n3"));
  Effects back;
  m->on_message(at(4_s), 4, make_message(MsgType::kHeartbeat), back);
  EXPECT_EQ(m->believed_master(), 4u) << "the higher id, alive after all";
}

TEST(RingNetwork, AllStartingTogetherElectTheHighestId) {
  TestNetwork net = cluster(6);
  net.start_all();
  net.run_until(6_s);
  ASSERT_EQ(net.masters(), (std::vector<NodeId>{5})) << net.describe() << net.log();
  EXPECT_TRUE(net.all_follow(5));
}

TEST(RingNetwork, CrashedMasterIsSkippedAndTheNextHighestWins) {
  TestNetwork net = cluster(6);
  net.start_all();
  net.run_until(6_s);
  net.crash(5);
  const std::size_t before = net.sent().size();
  net.run_until(15_s);
  ASSERT_EQ(net.masters(), (std::vector<NodeId>{4})) << net.describe() << net.log();
  EXPECT_TRUE(net.all_follow(4));
  bool skipped = false;
  for (NodeId i = 0; i < 5; ++i) skipped |= net.has_note(i, NoteKind::kPeerUnreachable, "n5 does not answer");
  EXPECT_TRUE(skipped);
  EXPECT_GT(net.messages_since(before), 0u);
}

TEST(RingNetwork, DeadSuccessorInTheMiddleIsSkipped) {
  TestNetwork net = cluster(6);
  net.start_all();
  net.run_until(6_s);
  net.crash(2);
  net.crash(5);
  net.run_until(15_s);
  ASSERT_EQ(net.masters(), (std::vector<NodeId>{4})) << net.describe() << net.log();
  EXPECT_TRUE(net.has_note(1, NoteKind::kPeerUnreachable, "n2 does not answer: skips to n3"));
}

TEST(RingNetwork, NodesThatMayNotLeadNeverWin) {
  TestNetwork net = cluster(5, 1, {true, true, true, false, false});
  net.start_all();
  net.run_until(6_s);
  ASSERT_EQ(net.masters(), (std::vector<NodeId>{2})) << net.describe();
  EXPECT_TRUE(net.all_follow(2));
}

TEST(RingNetwork, PartitionHealLeavesTheHigherMaster) {
  TestNetwork net = cluster(6);
  net.start_all();
  net.run_until(6_s);
  net.partition({{0, 1, 2}, {3, 4, 5}});
  net.run_until(20_s);
  ASSERT_EQ(net.masters().size(), 2u) << net.describe();
  net.heal();
  net.run_until(22_s);
  EXPECT_EQ(net.masters(), (std::vector<NodeId>{5})) << net.describe();
  EXPECT_TRUE(net.all_follow(5));
}

}  // namespace
}  // namespace clocksim::election
