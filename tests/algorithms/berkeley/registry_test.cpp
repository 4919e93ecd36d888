#include <gtest/gtest.h>

#include "algorithms/registry.hpp"

namespace clocksim::algorithms {
namespace {

TEST(BerkeleyRegistry, CatalogueAndSyncOnlyStack) {
  const AlgorithmInfo* info = find_algorithm("berkeley", Layer::kSync);
  ASSERT_NE(info, nullptr);
  EXPECT_FALSE(info->params.empty());
  StackSetup setup;
  auto members = std::make_shared<std::vector<NodeId>>(std::vector<NodeId>{0, 1, 2});
  setup.membership = Membership{0, members};
  setup.sync = {"berkeley", ParamSet::defaults(info->params)};
  auto algo = make_stack(setup);
  Effects out;
  algo->on_start(LocalTime::epoch(), out);
  EXPECT_EQ(algo->role(), Role::kMaster);  // lowest id leads without an election
  setup.membership.self = 2;
  auto slave = make_stack(setup);
  slave->on_start(LocalTime::epoch(), out);
  EXPECT_EQ(slave->role(), Role::kSlave);
  EXPECT_EQ(slave->believed_master(), 0u);
}

}  // namespace
}  // namespace clocksim::algorithms
