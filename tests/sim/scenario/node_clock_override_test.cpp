// NodeClockOverride: a node's clock overrides, stored only when there are some.
#include <gtest/gtest.h>

#include "sim/scenario/spec.hpp"

namespace clocksim::scenario {
namespace {

TEST(NodeClockOverride, ReadsAsEmptyOverrideWhenNoneIsStored) {
  NodeSpec node;
  EXPECT_FALSE(node.clock.has_value());
  const ClockOverride& o = node.clock;
  EXPECT_FALSE(o.initial_offset_ns);
  EXPECT_FALSE(o.drift_ppm);
  EXPECT_FALSE(o.wander_ppm_per_sqrt_s);
  EXPECT_FALSE(o.sine_amplitude_ppm);
  EXPECT_FALSE(o.max_slew_ppm);
}

TEST(NodeClockOverride, StoresOnlyAnOverrideWithSomeField) {
  NodeClockOverride c;
  c = ClockOverride{};
  EXPECT_FALSE(c.has_value());
  ClockOverride o;
  o.max_slew_ppm = 100;
  c = o;
  ASSERT_TRUE(c.has_value());
  EXPECT_DOUBLE_EQ(*c->max_slew_ppm, 100);
  EXPECT_FALSE(c->drift_ppm);
}

TEST(NodeClockOverride, CopiesAreDeepAndIndependent) {
  NodeSpec a;
  ClockOverride o;
  o.drift_ppm = Distribution::constant(20);
  a.clock = o;
  NodeSpec b = a;
  o.drift_ppm = Distribution::constant(-5);
  a.clock = o;
  EXPECT_DOUBLE_EQ(b.clock->drift_ppm->a, 20);
  EXPECT_DOUBLE_EQ(a.clock->drift_ppm->a, -5);
  b = NodeSpec{};
  EXPECT_FALSE(b.clock.has_value());
  EXPECT_TRUE(a.clock.has_value());
}

TEST(NodeClockOverride, NodeWithoutOverridesIsSmall) {
  // The point of the type: a million nodes without overrides must not each carry ~150 bytes.
  EXPECT_LE(sizeof(NodeClockOverride), sizeof(void*));
  EXPECT_GT(sizeof(ClockOverride), 4 * sizeof(NodeClockOverride));
}

TEST(Sparse, HierarchyCopiesAreDeepAndIndependent) {
  NodeSpec a;
  EXPECT_FALSE(a.hierarchy);
  a.hierarchy = NodeHierarchy{{1, 2}, Distribution::constant(5)};
  NodeSpec b = a;
  a.hierarchy = NodeHierarchy{{3}, std::nullopt};
  ASSERT_TRUE(b.hierarchy);
  EXPECT_EQ(b.hierarchy->servers, (std::vector<NodeId>{1, 2}));
  EXPECT_TRUE(b.hierarchy->reference_error_ns);
  EXPECT_EQ(a.hierarchy->servers, (std::vector<NodeId>{3}));
  EXPECT_FALSE(a.hierarchy->reference_error_ns);
  b = NodeSpec{};
  EXPECT_FALSE(b.hierarchy);
  EXPECT_TRUE(a.hierarchy);
  EXPECT_LE(sizeof(Sparse<NodeHierarchy>), sizeof(void*));
}

}  // namespace
}  // namespace clocksim::scenario
