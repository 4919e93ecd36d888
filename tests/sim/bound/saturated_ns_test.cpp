#include "sim/bound/saturated_ns.hpp"

#include <gtest/gtest.h>

#include <limits>
#include <stdexcept>

namespace clocksim::sim {
namespace {

TEST(SaturatedNs, RoundsOutwardLikeCeilAndFloorInsideTheRange) {
  EXPECT_EQ(ceil_ns(1.5).ns(), 2);
  EXPECT_EQ(ceil_ns(-1.5).ns(), -1);
  EXPECT_EQ(ceil_ns(7.0).ns(), 7);
  EXPECT_EQ(floor_ns(1.5).ns(), 1);
  EXPECT_EQ(floor_ns(-1.5).ns(), -2);
  EXPECT_EQ(floor_ns(-7.0).ns(), -7);
  EXPECT_EQ(ceil_ns(9223372036854774784.0).ns(), 9223372036854774784);  // the largest double below 2^63
}

TEST(SaturatedNs, SaturatesBeyondTheRangeAndRefusesNaN) {
  // Four clock resolutions of 3e9 s: beyond int64 nanoseconds, still the largest value.
  EXPECT_EQ(ceil_ns(1.2e19), Duration::max());
  EXPECT_EQ(floor_ns(1.2e19), Duration::max());
  EXPECT_EQ(ceil_ns(-1.2e19), Duration::min());
  EXPECT_EQ(floor_ns(-9223372036854775808.0), Duration::min());
  EXPECT_EQ(ceil_ns(std::numeric_limits<double>::infinity()), Duration::max());
  EXPECT_EQ(floor_ns(-std::numeric_limits<double>::infinity()), Duration::min());
  EXPECT_THROW((void)ceil_ns(std::numeric_limits<double>::quiet_NaN()), std::domain_error);
}

}  // namespace
}  // namespace clocksim::sim
