// For every election kind: random partitions with 30% loss inside them, then a heal with a
// clean network; within a bound per algorithm exactly one master remains, everyone follows it,
// and it stays so. 100 seeds each here (fast, no simulator); the 500-seed runs of
// scenarios/partition-heal.yaml go through the engine.
#include <gtest/gtest.h>

#include <boost/random/uniform_int_distribution.hpp>

#include "tests/algorithms/testing/election_helpers.hpp"
#include "tests/algorithms/testing/test_network.hpp"

namespace clocksim::election {
namespace {

using namespace clocksim::literals;
using clocksim::testing::setup_for;
using clocksim::testing::TestNetwork;

struct Case {
  std::string kind;
  Duration settle;  // bound from the heal to one master
};

std::ostream& operator<<(std::ostream& os, const Case& c) { return os << c.kind; }

class PartitionHeal : public ::testing::TestWithParam<Case> {};

TEST_P(PartitionHeal, ExactlyOneMasterRemainsWithinTheBound) {
  const Case& c = GetParam();
  constexpr std::size_t kN = 8;
  for (std::uint64_t seed = 1; seed <= 100; ++seed) {
    TestNetwork net(2_ms);
    for (NodeId i = 0; i < kN; ++i) {
      auto s = setup_for(c.kind, i, kN, seed);
      if (c.kind == "tsp") {
        s.params.set("timeout", DurationRange{6_s, 15_s});
        s.params.set("refuse_window", 3_s);
        s.params.set("loop_period", 4_s);
      }
      net.add(make_election(c.kind, s));
    }
    Rng rng(derive_seed(seed, "partition"));
    boost::random::uniform_int_distribution<int> coin(0, 1);
    std::vector<NodeId> a, b;
    for (NodeId i = 0; i < kN; ++i) (coin(rng) ? a : b).push_back(i);
    net.start_all();
    net.run_until(30_s);
    net.partition({a, b});
    net.set_random_loss(0.3, seed);
    net.run_until(90_s);
    net.heal();
    net.set_random_loss(0.0, seed);
    net.run_until(90_s + c.settle);
    ASSERT_EQ(net.masters().size(), 1u) << c.kind << " seed " << seed << ": " << net.describe() << "\n" << net.log();
    const NodeId master = net.masters()[0];
    ASSERT_TRUE(net.all_follow(master)) << c.kind << " seed " << seed << ": " << net.describe();
    for (Duration t = 90_s + c.settle; t < 90_s + c.settle + 10_s; t += 500_ms) {
      net.run_until(t);
      ASSERT_EQ(net.masters(), std::vector<NodeId>{master}) << c.kind << " seed " << seed << " t=" << t.seconds();
    }
  }
}

INSTANTIATE_TEST_SUITE_P(AllKinds, PartitionHeal,
                         ::testing::Values(Case{"tsp", 20_s}, Case{"bully", 6_s}, Case{"ring", 6_s},
                                           Case{"standby", 4_s}),
                         [](const auto& info) { return info.param.kind; });

}  // namespace
}  // namespace clocksim::election
