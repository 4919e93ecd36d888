// Multi-node TSP runs on the in-test network: startup, master crash, simultaneous candidates,
// a restarted old master, partition and heal, loss.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <optional>

#include "algorithms/election/tsp/tsp_election.hpp"
#include "tests/algorithms/testing/election_helpers.hpp"
#include "tests/algorithms/testing/test_network.hpp"

namespace clocksim::election {
namespace tsp_network_test {

using namespace clocksim::literals;
using clocksim::testing::setup_for;
using clocksim::testing::TestNetwork;

// timed's timers scaled to seconds, as the demo scenarios use them. With no sync layer here,
// nothing but LOOP shows a master alive, so LOOP runs faster than the shortest election timeout.
ParamSet scaled(const ParamSet& defaults) {
  ParamSet p = defaults;
  p.set("timeout", DurationRange{6_s, 15_s});
  p.set("refuse_window", 3_s);
  p.set("loop_period", 4_s);
  return p;
}

std::unique_ptr<TspElection> make(NodeId id, std::size_t n, std::uint64_t seed,
                                  const std::function<void(ParamSet&)>& tweak = {}) {
  auto s = setup_for("tsp", id, n, seed);
  s.params = scaled(s.params);
  if (tweak) tweak(s.params);
  return std::make_unique<TspElection>(s);
}

TestNetwork cluster(std::size_t n, std::uint64_t seed, const std::function<void(ParamSet&)>& tweak = {}) {
  TestNetwork net(2_ms);
  for (NodeId i = 0; i < n; ++i) net.add(make(i, n, seed, tweak));
  return net;
}

// n nodes of which only ids from `first_leader` up may become master (timed's -M).
TestNetwork cluster_leading_from(std::size_t n, NodeId first_leader, std::uint64_t seed) {
  TestNetwork net(2_ms);
  for (NodeId i = 0; i < n; ++i) {
    auto s = setup_for("tsp", i, n, seed);
    s.params = scaled(s.params);
    s.can_be_master = i >= first_leader;
    net.add(std::make_unique<TspElection>(s));
  }
  return net;
}

NodeId the_master(const TestNetwork& net) {
  auto m = net.masters();
  return m.size() == 1 ? m[0] : kNoNode;
}

TEST(TspNetwork, EightNodesStartingTogetherElectExactlyOneMaster) {
  TestNetwork net = cluster(8, 1);
  net.start_all();
  net.run_until(40_s);
  ASSERT_EQ(net.masters().size(), 1u) << net.describe() << net.log();
  EXPECT_TRUE(net.all_follow(the_master(net))) << net.describe();
}

TEST(TspNetwork, MasterCrashLeadsToANewMasterWithinTimeoutPlusWindow) {
  TestNetwork net = cluster(8, 2);
  net.start_all();
  net.run_until(40_s);
  const NodeId old = the_master(net);
  ASSERT_NE(old, kNoNode) << net.describe();
  net.crash(old);
  const std::size_t before = net.sent().size();
  net.run_until(40_s + 15_s + 3_s + 1_s);  // worst timeout + candidate window + slack
  const NodeId now_master = the_master(net);
  ASSERT_NE(now_master, kNoNode) << net.describe() << net.log();
  EXPECT_NE(now_master, old);
  EXPECT_TRUE(net.all_follow(now_master)) << net.describe();
  EXPECT_GT(net.messages_since(before), 0u);
}

TEST(TspNetwork, SimultaneousCandidatesRefuseEachOtherGiveUpAndRetry) {
  // Equal timeouts: all three expire at the same instant and stand at once.
  TestNetwork net = cluster(3, 3, [](ParamSet& p) { p.set("timeout", DurationRange{10_s, 10_s}); });
  net.start_all();
  net.run_until(6_s + 200_ms + 10_s + 1_ms);  // MASTERREQ retries (6.2 s), then the timeout
  EXPECT_GE(net.count_sent(MsgType::kElection), 3u);
  net.run_until(20_s);
  EXPECT_GT(net.count_sent(MsgType::kRefuse), 0u);
  std::size_t gave_up = 0;
  for (NodeId i = 0; i < 3; ++i) gave_up += net.has_note(i, Note(NoteWhat::kGivesUpCandidacy)) ? 1 : 0;
  EXPECT_GE(gave_up, 2u) << net.log();
  net.run_until(60_s);
  ASSERT_EQ(net.masters().size(), 1u) << net.describe() << net.log();
  EXPECT_TRUE(net.all_follow(the_master(net)));
}

TEST(TspNetwork, RestartedOldMasterRejoinsAsSlaveAndNeverMakesTwoMasters) {
  TestNetwork net = cluster(6, 4);
  net.start_all();
  net.run_until(40_s);
  const NodeId old = the_master(net);
  ASSERT_NE(old, kNoNode);
  net.crash(old);
  net.run_until(70_s);
  const NodeId fresh = the_master(net);
  ASSERT_NE(fresh, kNoNode) << net.describe();
  net.restart(old, make(old, 6, 4 + 1000));
  for (Duration t = 70_s; t < 120_s; t += 100_ms) {
    net.run_until(t);
    ASSERT_LE(net.masters().size(), 1u) << "t=" << t.seconds() << " " << net.describe();
  }
  EXPECT_EQ(the_master(net), fresh);
  EXPECT_EQ(net.node(old).believed_master(), fresh);
  EXPECT_TRUE(net.all_follow(fresh)) << net.describe();
}

TEST(TspNetwork, PartitionHealLeavesOneMasterThroughLoop) {
  TestNetwork net = cluster(6, 5);
  net.start_all();
  net.run_until(40_s);
  const NodeId first = the_master(net);
  ASSERT_NE(first, kNoNode);
  std::vector<NodeId> side_a{first};
  std::vector<NodeId> side_b;
  for (NodeId i = 0; i < 6; ++i) {
    if (i == first) continue;
    (side_a.size() < 3 ? side_a : side_b).push_back(i);
  }
  net.partition({side_a, side_b});
  net.run_until(80_s);
  ASSERT_EQ(net.masters().size(), 2u) << net.describe();
  net.heal();
  net.run_until(80_s + 4_s + 7_s);  // one LOOP period, then QUIT (acked) and MASTERUP
  ASSERT_EQ(net.masters().size(), 1u) << net.describe() << net.log();
  EXPECT_TRUE(net.all_follow(the_master(net))) << net.describe();
}

TEST(TspNetwork, ConflictReportedByANewNodeIsResolved) {
  // No LOOP, so only the CONFLICT/RESOLVE/QUIT path can find the second master.
  auto no_loop = [](ParamSet& p) { p.set("loop_period", Duration::zero()); };
  // Two lone nodes each find no master and take mastership (§4); nothing else runs, so no
  // election timer disturbs the picture.
  TestNetwork net = cluster(3, 6, no_loop);
  net.partition({{0}, {1}, {2}});
  net.start(0);
  net.start(1);
  net.run_until(10_s);
  ASSERT_EQ(net.masters().size(), 2u) << net.describe();
  net.heal();
  net.run_until(15_s);
  ASSERT_EQ(net.masters().size(), 2u) << net.describe() << net.log();  // nobody notices without LOOP
  net.start(2);                          // a newcomer hears two MASTERACKs
  net.run_until(25_s);
  EXPECT_GT(net.count_sent(MsgType::kConflict), 0u);
  EXPECT_GT(net.count_sent(MsgType::kResolve), 0u);
  EXPECT_GT(net.count_sent(MsgType::kQuit), 0u);
  ASSERT_EQ(net.masters().size(), 1u) << net.describe() << net.log();
  EXPECT_TRUE(net.all_follow(the_master(net))) << net.describe();
}

TEST(TspNetwork, LostAcceptAcksAreRetried) {
  TestNetwork net = cluster(4, 7);
  int dropped = 0;
  net.set_drop_rule([&](Duration, NodeId, NodeId, const Message& m) {
    if (m.type == MsgType::kElectionAck && dropped < 3) {
      ++dropped;
      return true;
    }
    return false;
  });
  net.start_all();
  net.run_until(40_s);
  EXPECT_EQ(dropped, 3);
  // Three lost ACKs cost three extra ACCEPT copies.
  EXPECT_GE(net.count_sent(MsgType::kAccept), 3u + 3u);
  ASSERT_EQ(net.masters().size(), 1u) << net.describe();
}

TEST(TspNetwork, ThirtyPercentLossElectsAMasterAndOneRemainsOnceLossStops) {
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    TestNetwork net = cluster(8, 100 + seed);
    net.set_random_loss(0.3, seed);
    net.start_all();
    net.run_until(60_s);
    const auto first = net.masters();
    ASSERT_FALSE(first.empty()) << "seed " << seed << " " << net.describe();
    net.crash(first[0]);
    net.run_until(200_s);
    EXPECT_FALSE(net.masters().empty()) << "seed " << seed << " " << net.describe();
    // Under 30% loss a slave can miss every LOOP and stand while a master lives; LOOP then
    // removes the extra master. Once loss stops, one LOOP period plus a QUIT settles it.
    net.set_random_loss(0.0, seed);
    net.run_until(200_s + 4_s + 7_s);
    ASSERT_EQ(net.masters().size(), 1u) << "seed " << seed << " " << net.describe() << net.log();
  }
}

// Starts every node and lets the cluster settle: its master by 40 s (kNoNode if none or several).
// The successor the LEAVEs sent since message `from` name (kNoNode: none).
NodeId named_successor(const TestNetwork& net, std::size_t from) {
  NodeId successor = kNoNode;
  for (std::size_t i = from; i < net.sent().size(); ++i) {
    const Message& m = net.sent()[i].msg;
    if (m.type == MsgType::kLeave && (m.flags & kLeaveNamesSuccessor) != 0) successor = static_cast<NodeId>(m.value_ns);
  }
  return successor;
}

// How long until a master other than `old` is followed by every node up (none within 20 s).
std::optional<Duration> hand_over(TestNetwork& net, NodeId old) {
  return net.run_until_true(
      [&] {
        const NodeId m = the_master(net);
        return m != kNoNode && m != old && net.all_follow(m);
      },
      20_s, 1_ms);
}

NodeId first_master(TestNetwork& net) {
  net.start_all();
  net.run_until(40_s);
  return the_master(net);
}

// A master stopped gracefully (LEAVE): its slaves elect at once, so a new master is in place
// after the answer jitter plus the candidate window (3 s), not after the election timeout
// (6-15 s) a crash needs first.
TEST(TspNetwork, MasterLeavingHandsOverWithinTheCandidateWindow) {
  Duration worst = Duration::zero();
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    TestNetwork net = cluster(8, seed);
    const NodeId old = first_master(net);
    ASSERT_NE(old, kNoNode) << net.describe();
    net.shutdown(old);
    const auto handover = hand_over(net, old);
    ASSERT_TRUE(handover.has_value()) << "seed " << seed << " " << net.describe() << net.log();
    // The named successor stands alone: one candidate window, no collision to wait out.
    EXPECT_LT(*handover, 3_s + 100_ms) << "seed " << seed << net.log();
    worst = std::max(worst, *handover);
  }
  std::printf("tsp: LEAVE hand-over at most %.3f s over 40 seeds (election timeout 6-15 s)\n", worst.seconds());
}

// The successor a LEAVE names is gone too (it crashed as the master stopped): the others wait two
// candidate windows for it, then race as without a successor, and one of them takes over.
TEST(TspNetwork, AGoneSuccessorDelaysTheHandOverByTwoCandidateWindowsOnly) {
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    TestNetwork net = cluster(8, seed);
    const NodeId old = first_master(net);
    ASSERT_NE(old, kNoNode) << net.describe();
    const std::size_t before = net.sent().size();
    net.shutdown(old);
    const NodeId successor = named_successor(net, before);
    ASSERT_NE(successor, kNoNode) << "seed " << seed << ": the LEAVE names no successor";
    net.crash(successor);
    const auto handover = net.run_until_true(
        [&] {
          const NodeId m = the_master(net);
          return m != kNoNode && m != old && m != successor && net.all_follow(m);
        },
        30_s, 1_ms);
    ASSERT_TRUE(handover.has_value()) << "seed " << seed << " " << net.describe() << net.log();
    EXPECT_GE(*handover, 6_s) << "seed " << seed;
    EXPECT_LT(*handover, 6_s + 3_s + 200_ms) << "seed " << seed << net.log();
  }
}

// Nodes that may not lead (timed's -M off) ask for a master again at each of their election
// timeouts. Were the others to hold their election back for each such MASTERREQ, as timed does
// for a peer starting up, five of them asking in turn would keep an eight-node cluster without a
// master for good; they say that they may not lead, and the others elect.
TEST(TspNetwork, NodesThatMayNotLeadDoNotHoldTheElectionBack) {
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    TestNetwork net = cluster_leading_from(8, 5, seed);
    net.start_all();
    const auto elected = net.run_until_true(
        [&] {
          const NodeId m = the_master(net);
          return m != kNoNode && net.all_follow(m);
        },
        60_s, 10_ms);
    ASSERT_TRUE(elected.has_value()) << "seed " << seed << " " << net.describe() << net.log();
    EXPECT_GE(the_master(net), 5u);
    // The lookup (6.2 s), the longest election timeout (15 s), a candidate window (3 s).
    EXPECT_LT(*elected, 6200_ms + 15_s + 3_s + 200_ms) << "seed " << seed << net.log();
  }
}

// Nodes that may not lead (timed's -M off) say so when they support a candidate, so a leaving
// master names the lowest supporter that may lead, and the hand-over takes one candidate window,
// not the two the others would wait for a successor that cannot stand.
TEST(TspNetwork, ALeavingMasterNamesOnlyASuccessorThatMayLead) {
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    // The lowest ids, the ones a LEAVE would name first, may not lead.
    TestNetwork net = cluster_leading_from(8, 3, seed);
    const NodeId old = first_master(net);
    ASSERT_NE(old, kNoNode) << net.describe() << net.log();
    ASSERT_GE(old, 3u);
    const std::size_t before = net.sent().size();
    net.shutdown(old);
    const NodeId successor = named_successor(net, before);
    ASSERT_NE(successor, kNoNode) << "seed " << seed << ": the LEAVE names no successor";
    EXPECT_GE(successor, 3u) << "seed " << seed << ": named a node that may not lead";
    const auto handover = hand_over(net, old);
    ASSERT_TRUE(handover.has_value()) << "seed " << seed << " " << net.describe() << net.log();
    EXPECT_EQ(the_master(net), successor) << "seed " << seed;
    EXPECT_LT(*handover, 3_s + 100_ms) << "seed " << seed << net.log();
  }
}

}  // namespace tsp_network_test
}  // namespace clocksim::election
