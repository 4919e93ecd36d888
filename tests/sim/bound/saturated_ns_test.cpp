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

TEST(SaturatedNs, ScalesADurationExactlyPastTwoToThe53) {
  const Duration d = Duration::from_ns(1914433441057549574);  // not a double: its neighbours are 256 apart
  EXPECT_EQ(floor_scaled_ns(d, 1.0), d);
  EXPECT_EQ(floor_scaled_ns(d, 2.0).ns(), 3828866882115099148);
  EXPECT_EQ(floor_scaled_ns(d, 0.5).ns(), 957216720528774787);
  EXPECT_EQ(floor_scaled_ns(d, 1.5).ns(), 2871650161586324361);
  EXPECT_EQ(floor_scaled_ns(Duration::from_ns(9007199254740993), 1.0).ns(), 9007199254740993);
  EXPECT_EQ(floor_scaled_ns(Duration::from_ns(9007199254740993), 3.0).ns(), 27021597764222979);
  // 0.1 is 0x1.999999999999ap-4, a little above a tenth: the exact product's floor.
  EXPECT_EQ(floor_scaled_ns(Duration::from_ns(10), 0.1).ns(), 1);
  EXPECT_EQ(floor_scaled_ns(Duration::from_ns(9'100'000), 1.5).ns(), 13'650'000);
  EXPECT_EQ(floor_scaled_ns(Duration::max(), 1.5), Duration::max());
  EXPECT_EQ(floor_scaled_ns(Duration::max(), 0.75).ns(), 6917529027641081855);
  EXPECT_EQ(floor_scaled_ns(Duration::from_ns(3), 1e-300).ns(), 0);
  EXPECT_EQ(floor_scaled_ns(Duration::from_ns(3), 1e300), Duration::max());
  EXPECT_EQ(floor_scaled_ns(Duration::from_ns(3), std::numeric_limits<double>::infinity()), Duration::max());
  EXPECT_EQ(floor_scaled_ns(Duration::zero(), 1e300).ns(), 0);
  EXPECT_THROW((void)floor_scaled_ns(Duration::from_ns(3), std::numeric_limits<double>::quiet_NaN()), std::domain_error);
}

TEST(SaturatedNs, ScaledFloorAgreesWithWideArithmeticOnDrawnValues) {
  __extension__ using Wide = unsigned __int128;
  std::uint64_t x = 88172645463325252ULL;  // xorshift64: a fixed sequence, no library RNG
  auto next = [&] { x ^= x << 13; x ^= x >> 7; x ^= x << 17; return x; };
  for (int i = 0; i < 20000; ++i) {
    const auto ns = static_cast<std::int64_t>(next() >> (1 + next() % 62));
    const double k = static_cast<double>(next() % 4096 + 1) / 1024.0;  // exact quarters of a thousandth
    const Wide exact = static_cast<Wide>(static_cast<std::uint64_t>(ns)) * static_cast<Wide>(k * 1024) / 1024;
    const Wide max = static_cast<Wide>(Duration::max().ns());
    const std::int64_t want = exact > max ? Duration::max().ns() : static_cast<std::int64_t>(exact);
    ASSERT_EQ(floor_scaled_ns(Duration::from_ns(ns), k).ns(), want) << ns << " * " << k;
  }
}

}  // namespace
}  // namespace clocksim::sim
