// The inline rounding of clock readings and link latencies is std::llround's, bit for bit: halves,
// values a hair off a half, large values where every double is whole, and random ones of every
// magnitude; outside the int64 range it saturates.
#include "algorithms/core/round_ns.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <vector>

namespace clocksim {
namespace {

TEST(RoundNs, IsLlroundExactly) {
  std::vector<double> xs = {0.0, -0.0, 0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 0.49999999999999994, -0.49999999999999994,
                            4503599627370495.5, -4503599627370495.5, 4503599627370497.0, 9007199254740993.0,
                            9.1e18, -9.1e18, 1e-300, -1e-300, std::numeric_limits<double>::denorm_min()};
  for (double x : {0.5, 1.5, 1e6 + 0.5, 123456789.5, 4503599627370495.5}) {
    xs.push_back(std::nextafter(x, 0.0));
    xs.push_back(std::nextafter(x, 1e300));
    xs.push_back(-std::nextafter(x, 0.0));
    xs.push_back(-std::nextafter(x, 1e300));
  }
  // Around 2^52 and 2^53, where the spacing of doubles reaches 1 and then 2.
  for (double x : {4503599627370496.0, 9007199254740992.0}) {
    double y = x;
    for (int i = 0; i < 8; ++i) {
      y = std::nextafter(y, 0.0);
      xs.push_back(y);
      xs.push_back(-y);
    }
    y = x;
    for (int i = 0; i < 8; ++i) {
      y = std::nextafter(y, 1e300);
      xs.push_back(y);
      xs.push_back(-y);
    }
  }
  std::mt19937_64 rng(5);
  std::uniform_real_distribution<double> mantissa(-1.0, 1.0);
  std::uniform_int_distribution<int> exponent(-5, 62);
  for (int i = 0; i < 200'000; ++i) xs.push_back(std::ldexp(mantissa(rng), exponent(rng)));
  for (int i = 0; i < 20'000; ++i) xs.push_back(std::floor(std::ldexp(mantissa(rng), 40)) + 0.5);
  // Link latencies: a few ms of ns, scaled by an asymmetry factor.
  std::uniform_real_distribution<double> latency_ns(0.0, 5e6);
  for (int i = 0; i < 20'000; ++i) xs.push_back(latency_ns(rng) * 1.0000001);
  for (double x : xs) {
    if (std::fabs(x) >= 9.2e18) continue;
    ASSERT_EQ(round_ns_half_away(x), std::llround(x)) << std::hexfloat << x;
  }
}

TEST(RoundNs, SaturatesOutsideTheInt64Range) {
  EXPECT_EQ(round_ns_half_away(1e19), Duration::max().ns());
  EXPECT_EQ(round_ns_half_away(-1e19), Duration::min().ns());
  EXPECT_EQ(round_ns_half_away(std::numeric_limits<double>::infinity()), Duration::max().ns());
  EXPECT_EQ(round_ns_half_away(-std::numeric_limits<double>::infinity()), Duration::min().ns());
}

}  // namespace
}  // namespace clocksim
