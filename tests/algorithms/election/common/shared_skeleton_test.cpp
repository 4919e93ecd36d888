// What every leader election shares through its Liveness skeleton, checked on each of them: only
// the leader says LEAVE on a graceful shutdown, and a LEAVE from a node that is not the
// listener's leader starts nothing.
#include <gtest/gtest.h>

#include <string>

#include "algorithms/election/election_factory.hpp"
#include "tests/algorithms/testing/election_helpers.hpp"
#include "tests/algorithms/testing/test_network.hpp"

namespace clocksim::election {
namespace {

using namespace clocksim::literals;
using namespace clocksim::testing;

constexpr std::size_t kNodes = 5;

// Each election names its LEAVE in the narrative its own way.
NoteWhat leave_note(const std::string& kind) {
  if (kind == "bully") return NoteWhat::kBullyLeaveSent;
  if (kind == "ring") return NoteWhat::kRingLeaveSent;
  if (kind == "standby") return NoteWhat::kStandbyLeaveSent;
  return NoteWhat::kTspLeaveSent;
}

class EveryElection : public ::testing::TestWithParam<std::string> {
 protected:
  // A cluster that has settled on one leader (TSP's default election timer is minutes long).
  TestNetwork settled() {
    TestNetwork net(1_ms);
    for (NodeId i = 0; i < kNodes; ++i) net.add(make_election(GetParam(), setup_for(GetParam(), i, kNodes)));
    net.start_all();
    net.run_until(1000_s);
    return net;
  }
};

TEST_P(EveryElection, OnlyTheLeaderSaysLeaveOnShutdown) {
  TestNetwork net = settled();
  ASSERT_EQ(net.masters().size(), 1u);
  const NodeId leader = net.masters()[0];
  for (NodeId id = 0; id < kNodes; ++id) {
    Effects bye;
    net.node(id).on_shutdown(at(1000_s), bye);
    if (id != leader) {
      EXPECT_TRUE(bye.sends().empty()) << "n" << id << " is no leader";
      continue;
    }
    const auto leaves = sends_of(bye, MsgType::kLeave, kBroadcast);
    ASSERT_EQ(leaves.size(), 1u);
    EXPECT_EQ(leaves[0].subject, leader);
    EXPECT_EQ(bye.sends().size(), 1u);
    ASSERT_EQ(bye.notes().size(), 1u);
    EXPECT_EQ(bye.notes()[0].what, leave_note(GetParam()));
  }
}

TEST_P(EveryElection, ALeaveFromAnotherThanTheLeaderStartsNothing) {
  TestNetwork net = settled();
  ASSERT_EQ(net.masters().size(), 1u);
  const NodeId leader = net.masters()[0];
  for (NodeId id = 0; id < kNodes; ++id) {
    if (id == leader) continue;
    const NodeId stranger = (id + 1) % kNodes == leader ? (id + 2) % kNodes : (id + 1) % kNodes;
    Effects out;
    net.node(id).on_message(at(1000_s), stranger, leave_from(stranger), out);
    EXPECT_TRUE(out.empty()) << "n" << id << " heard n" << stranger << " leave";
    EXPECT_EQ(net.node(id).believed_master(), leader);
  }
}

INSTANTIATE_TEST_SUITE_P(Elections, EveryElection, ::testing::Values("bully", "ring", "standby", "tsp"),
                         [](const ::testing::TestParamInfo<std::string>& p) { return p.param; });

}  // namespace
}  // namespace clocksim::election
