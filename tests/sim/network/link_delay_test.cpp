#include "sim/network/link_delay.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "sim/distributions.hpp"

namespace clocksim::sim {
namespace {

using scenario::Distribution;

scenario::LinkModel drawn(double lo, double hi, bool slow_high_to_low = false) {
  scenario::LinkModel m;
  m.latency_ns = Distribution::constant(1e6);
  m.asymmetry = Distribution::uniform(lo, hi);
  m.slow_high_to_low = slow_high_to_low;
  return m;
}

// A constant asymmetry is every link's a; the slow direction is low id -> high id unless the
// model says high_to_low.
TEST(LinkDelay, ConstantAsymmetryAndItsDirection) {
  scenario::LinkModel m;
  m.asymmetry = Distribution::constant(0.25);
  EXPECT_DOUBLE_EQ(link_asymmetry(m, 3, 5, 1), 0.25);
  EXPECT_DOUBLE_EQ(direction_factor(m, 0.25, 3, 5), 1.25);
  EXPECT_DOUBLE_EQ(direction_factor(m, 0.25, 5, 3), 0.75);
  m.slow_high_to_low = true;
  EXPECT_DOUBLE_EQ(direction_factor(m, 0.25, 5, 3), 1.25);
  EXPECT_DOUBLE_EQ(direction_factor(m, 0.25, 3, 5), 0.75);
  SmallRng stream(7);
  EXPECT_EQ(traverse_link(m, 5, 3, MessageContext{5, 3, MsgType::kNone}, stream, 0.25).delay.ns(), 1'250'000);
}

// A drawn asymmetry: one value per undirected link, the same whichever end asks, a pure function
// of (seed, low id, high id) -- not of other links, nor of the order links are asked -- within
// the law's support, and different from link to link and from seed to seed.
TEST(LinkDelay, DrawnAsymmetryIsOneDrawPerLinkFromItsOwnStream) {
  const auto m = drawn(-0.5, 0.5);
  const std::uint64_t seed = link_asymmetry_seed(42);
  std::set<double> values;
  for (NodeId a = 0; a < 20; ++a) {
    for (NodeId b = a + 1; b < 20; ++b) {
      const double x = link_asymmetry(m, a, b, seed);
      EXPECT_EQ(x, link_asymmetry(m, b, a, seed));
      EXPECT_GE(x, -0.5);
      EXPECT_LT(x, 0.5);
      values.insert(x);
    }
  }
  EXPECT_EQ(values.size(), 190u);
  // Both signs occur: with a law symmetric about 0 the slow direction itself is random per link.
  EXPECT_LT(*values.begin(), 0);
  EXPECT_GT(*values.rbegin(), 0);
  EXPECT_NE(link_asymmetry(m, 1, 2, seed), link_asymmetry(m, 1, 2, link_asymmetry_seed(43)));
  // The stream is named by the link alone: derive_seed(derive_seed(seed, low id), high id).
  SmallRng stream(derive_seed(derive_seed(seed, std::uint64_t{1}), std::uint64_t{2}));
  EXPECT_EQ(link_asymmetry(m, 2, 1, seed), sample(m.asymmetry, stream));
}

// The adversary of a bound: the latency range over a drawn asymmetry allows its largest |a|.
TEST(LinkDelay, LatencyRangeAllowsTheLargestDrawnAsymmetry) {
  auto m = drawn(-0.2, 0.6);
  const LatencyRange r = latency_range(m);
  EXPECT_EQ(r.lower.ns(), 400'000);    // 1 ms x (1 - 0.6)
  EXPECT_EQ(r.upper.ns(), 1'600'000);  // 1 ms x (1 + 0.6)
  EXPECT_DOUBLE_EQ(m.max_abs_asymmetry(), 0.6);
}

}  // namespace
}  // namespace clocksim::sim
