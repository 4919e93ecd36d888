#include "sim/output/per_node_values.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace clocksim::sim {
namespace {

TEST(PerNodeValues, OneValueForEveryNodeIsStoredOnce) {
  const PerNodeValues<double> v(std::vector<double>(5, 500.0));
  EXPECT_TRUE(v.uniform());
  EXPECT_EQ(v.size(), 5u);
  for (std::size_t i = 0; i < 5; ++i) EXPECT_EQ(v[i], 500.0);
}

TEST(PerNodeValues, DifferentValuesAreKeptPerNode) {
  const PerNodeValues<double> v(std::vector<double>{500.0, 500.0, 250.0, 500.0});
  EXPECT_FALSE(v.uniform());
  EXPECT_EQ(v.size(), 4u);
  EXPECT_EQ(v[1], 500.0);
  EXPECT_EQ(v[2], 250.0);
  EXPECT_EQ(v[3], 500.0);
}

// Equal as numbers is not enough: -0.0 and 0.0 differ in what std::signbit or a division
// makes of them, and the value read back must be the one given.
TEST(PerNodeValues, ZeroesOfEitherSignAreNotMerged) {
  const PerNodeValues<double> v(std::vector<double>{0.0, -0.0});
  EXPECT_FALSE(v.uniform());
  EXPECT_FALSE(std::signbit(v[0]));
  EXPECT_TRUE(std::signbit(v[1]));
  const PerNodeValues<double> all_negative(std::vector<double>{-0.0, -0.0});
  EXPECT_TRUE(all_negative.uniform());
  EXPECT_TRUE(std::signbit(all_negative[1]));
}

TEST(PerNodeValues, NoNodes) {
  const PerNodeValues<double> v(std::vector<double>{});
  EXPECT_EQ(v.size(), 0u);
}

}  // namespace
}  // namespace clocksim::sim
