// TSP composed with the real Berkeley SyncLayer through make_stack, on the in-test network:
// ADJTIMEs keep the slaves' election timers from expiring, and a master crash hands the
// time-master role to the election's winner.
#include <gtest/gtest.h>

#include "algorithms/registry.hpp"
#include "tests/algorithms/testing/election_helpers.hpp"
#include "tests/algorithms/testing/test_network.hpp"

namespace clocksim::algorithms {
namespace {

using namespace clocksim::literals;
using clocksim::testing::TestNetwork;

std::unique_ptr<Algorithm> node(NodeId id, std::size_t n, std::uint64_t seed) {
  StackSetup s;
  s.membership.self = id;
  s.membership.members = clocksim::testing::members(n);
  s.seed = derive_seed(seed, id);
  s.sync.kind = "berkeley";
  s.sync.params = ParamSet::defaults(find_algorithm("berkeley", Layer::kSync)->params);
  s.sync.params.set("period", 4_s);
  s.election.kind = "tsp";
  s.election.params = ParamSet::defaults(find_algorithm("tsp", Layer::kElection)->params);
  s.election.params.set("timeout", DurationRange{10_s, 20_s});
  s.election.params.set("refuse_window", 3_s);
  s.election.params.set("loop_period", 10_s);
  return make_stack(s);
}

TEST(StackNetwork, BerkeleyTrafficKeepsTspQuietAndFailoverMovesTheTimeMaster) {
  constexpr std::size_t kN = 8;
  TestNetwork net(2_ms);
  for (NodeId i = 0; i < kN; ++i) net.add(node(i, kN, 11));
  net.start_all();
  net.run_until(60_s);
  ASSERT_EQ(net.masters().size(), 1u) << net.describe() << net.log();
  const NodeId master = net.masters()[0];
  EXPECT_TRUE(net.all_follow(master)) << net.describe();

  // With a live master sending corrections every 4 s, nobody's 10-20 s timer expires.
  const std::size_t elections_before = net.count_sent(MsgType::kElection);
  net.run_until(120_s);
  EXPECT_EQ(net.count_sent(MsgType::kElection), elections_before) << net.log();
  EXPECT_GT(net.count_sent(MsgType::kAdjust), 0u);

  net.crash(master);
  net.run_until(120_s + 4_s + 20_s + 3_s + 1_s);  // last ADJTIME, worst timeout, window
  ASSERT_EQ(net.masters().size(), 1u) << net.describe() << net.log();
  const NodeId next = net.masters()[0];
  EXPECT_NE(next, master);
  EXPECT_TRUE(net.all_follow(next)) << net.describe();
  const std::size_t adjust_before = net.count_sent(MsgType::kAdjust);
  net.run_until(170_s);
  bool new_master_corrects = false;
  for (std::size_t i = adjust_before; i < net.sent().size(); ++i) {
    new_master_corrects |= net.sent()[i].msg.type == MsgType::kAdjust && net.sent()[i].from == next;
  }
  EXPECT_TRUE(new_master_corrects);
}

}  // namespace
}  // namespace clocksim::algorithms
