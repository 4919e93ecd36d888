#include "sim/distributions.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <vector>

namespace clocksim::sim {
namespace {

using scenario::Distribution;
using Kind = Distribution::Kind;

constexpr int kDraws = 100'000;

struct Moments {
  double mean = 0;
  double variance = 0;
  double min = INFINITY;
  double max = -INFINITY;
};

template <class Engine, class Draw>
Moments moments(Engine& engine, Draw draw) {
  // Welford's update: stable for the large means of nanosecond latencies.
  Moments m;
  double m2 = 0;
  for (int i = 1; i <= kDraws; ++i) {
    const double x = draw(engine);
    const double delta = x - m.mean;
    m.mean += delta / i;
    m2 += delta * (x - m.mean);
    m.min = std::min(m.min, x);
    m.max = std::max(m.max, x);
  }
  m.variance = m2 / (kDraws - 1);
  return m;
}

Distribution make(Kind kind, double a, double b, double shift = 0) { return {kind, a, b, shift}; }

template <class Engine>
class DistributionsTest : public ::testing::Test {};
using Engines = ::testing::Types<Rng, SmallRng>;
TYPED_TEST_SUITE(DistributionsTest, Engines);

// The mean is checked to within 5 standard errors, the variance to within a relative tolerance of
// several standard errors of the sample variance (which depends on the law's kurtosis).
template <class Engine>
void expect_moments(const Distribution& d, double mean, double variance, double var_rel_tol,
                    std::uint64_t seed = 7) {
  Engine engine(derive_seed(seed, "distribution-test"));
  const Moments m = moments(engine, [&](Engine& e) { return sample(d, e); });
  EXPECT_NEAR(m.mean, mean, 5 * std::sqrt(variance / kDraws)) << "kind " << int(d.kind);
  EXPECT_NEAR(m.variance, variance, var_rel_tol * variance) << "kind " << int(d.kind);
}

TYPED_TEST(DistributionsTest, ConstantIsExact) {
  TypeParam engine(1);
  const Distribution d = make(Kind::kConstant, 2.5e6, 0, 1e3);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(sample(d, engine), 2.501e6);
}

TYPED_TEST(DistributionsTest, UniformMomentsAndSupport) {
  const Distribution d = make(Kind::kUniform, 1e6, 5e6);
  expect_moments<TypeParam>(d, 3e6, 16e12 / 12, 0.02);
  TypeParam engine(3);
  const Moments m = moments(engine, [&](TypeParam& e) { return sample(d, e); });
  EXPECT_GE(m.min, 1e6);
  EXPECT_LT(m.max, 5e6);
}

TYPED_TEST(DistributionsTest, NormalMoments) {
  expect_moments<TypeParam>(make(Kind::kNormal, 10, 2), 10, 4, 0.03);
}

TYPED_TEST(DistributionsTest, LognormalIsParameterisedByMedianAndSigma) {
  const double median = 2e6, sigma = 0.5;
  const double mean = median * std::exp(sigma * sigma / 2);
  const double variance = (std::exp(sigma * sigma) - 1) * median * median * std::exp(sigma * sigma);
  expect_moments<TypeParam>(make(Kind::kLognormal, median, sigma), mean, variance, 0.06);
  // Half the draws fall below the median.
  TypeParam engine(11);
  int below = 0;
  for (int i = 0; i < kDraws; ++i) below += sample(make(Kind::kLognormal, median, sigma), engine) < median;
  EXPECT_NEAR(below, kDraws / 2, 5 * std::sqrt(kDraws / 4.0));
}

TYPED_TEST(DistributionsTest, ExponentialMomentsWithShift) {
  // "1ms + exponential(1ms)": the PHOLD workload's delay.
  expect_moments<TypeParam>(make(Kind::kExponential, 1e6, 0, 1e6), 2e6, 1e12, 0.04);
}

TYPED_TEST(DistributionsTest, ParetoMomentsAndSupport) {
  const double scale = 1e6, shape = 8;
  const double mean = shape * scale / (shape - 1);
  const double variance = scale * scale * shape / ((shape - 1) * (shape - 1) * (shape - 2));
  const Distribution d = make(Kind::kPareto, scale, shape);
  expect_moments<TypeParam>(d, mean, variance, 0.06);
  TypeParam engine(5);
  EXPECT_GE(moments(engine, [&](TypeParam& e) { return sample(d, e); }).min, scale);
}

TYPED_TEST(DistributionsTest, NormalLatencyIsTruncatedByResamplingNotClamped) {
  // N(1, 1) truncated to [0, inf): mean = mu + sigma * phi(alpha) / Z with alpha = -1, Z = Phi(1).
  // Clamping instead would give E[max(X, 0)] = 1.083, far outside the tolerance.
  const double alpha = -1.0;
  const double phi = std::exp(-alpha * alpha / 2) / std::sqrt(2 * std::numbers::pi);
  const double z = 0.5 * std::erfc(alpha / std::sqrt(2.0));
  const double mean = 1 + phi / z;
  const double variance = 1 + alpha * phi / z - (phi / z) * (phi / z);
  const Distribution d = make(Kind::kNormal, 1, 1);
  TypeParam engine(derive_seed(9, "truncated"));
  const Moments m = moments(engine, [&](TypeParam& e) { return sample_latency(d, e); });
  EXPECT_GE(m.min, 0);
  EXPECT_NEAR(m.mean, mean, 5 * std::sqrt(variance / kDraws));
  EXPECT_NEAR(m.variance, variance, 0.03 * variance);
}

TYPED_TEST(DistributionsTest, HopelessTruncationClampsToZero) {
  // Mean 100 sd below zero: rejection would never end; the bounded retry clamps.
  TypeParam engine(1);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(sample_latency(make(Kind::kNormal, -100, 1), engine), 0);
  // A negative shift on another law is clamped too.
  EXPECT_EQ(sample_latency(make(Kind::kConstant, 1, 0, -5), engine), 0);
}

TYPED_TEST(DistributionsTest, AdversarialWithoutContextIsItsUpperEnd) {
  TypeParam engine(1);
  EXPECT_EQ(sample(make(Kind::kAdversarial, 1e6, 3e6, 10), engine), 3e6 + 10);
}

TYPED_TEST(DistributionsTest, SameSeedSameSequenceOtherStreamDiffers) {
  for (Kind kind : {Kind::kUniform, Kind::kNormal, Kind::kLognormal, Kind::kExponential, Kind::kPareto}) {
    const Distribution d = make(kind, 1e6, kind == Kind::kUniform ? 2e6 : 3);
    TypeParam a(derive_seed(42, "link")), b(derive_seed(42, "link")), c(derive_seed(42, "clock"));
    std::vector<double> xa, xb, xc;
    for (int i = 0; i < 100; ++i) {
      xa.push_back(sample(d, a));
      xb.push_back(sample(d, b));
      xc.push_back(sample(d, c));
    }
    EXPECT_EQ(xa, xb) << "kind " << int(kind);
    EXPECT_NE(xa, xc) << "kind " << int(kind);
  }
}

// Known answers: the first draws of every law from each engine, exactly (hex floats). The moments
// tests above would pass for another algorithm with the same law; these do not, so a change of
// Boost.Random's method, of the parameterisation or of the engine is caught.
template <class Engine>
std::vector<double> first_three(const Distribution& d) {
  Engine e(derive_seed(1, "kat"));
  return {sample(d, e), sample(d, e), sample(d, e)};
}

TEST(DistributionsKnownAnswer, FirstDrawsOfEveryLaw) {
  struct Case {
    Distribution d;
    std::vector<double> rng, small;
  };
  const Case cases[] = {
      {make(Kind::kConstant, 5, 0), {5, 5, 5}, {5, 5, 5}},
      {make(Kind::kUniform, 1e6, 3e6),
       {0x1.1cf0837825c68p+21, 0x1.a8e98bae9019ep+20, 0x1.1804ab6531a1ep+20},
       {0x1.097d5c9c2928p+21, 0x1.888be866b558bp+20, 0x1.317dd1c7ff0a5p+21}},
      {make(Kind::kNormal, 1e6, 2e5),
       {0x1.aa7662fb67b83p+19, 0x1.00725593d3fd6p+20, 0x1.df9d5dcb80599p+19},
       {0x1.6815127d8dad2p+19, 0x1.09e3d00d98f9ep+20, 0x1.5dfbee6808cfp+19}},
      {make(Kind::kLognormal, 1e6, 0.5),
       {0x1.63cdc25380644p+19, 0x1.14ed955dd976dp+20, 0x1.d316ac994c08fp+19},
       {0x1.fa919e7b0b298p+18, 0x1.310b54ff56a02p+20, 0x1.e10b1894080bbp+18}},
      {make(Kind::kExponential, 1e6, 0, 5e5),
       {0x1.ea1e637bd63c4p+19, 0x1.41ca3d426e098p+19, 0x1.1c5d054b80becp+19},
       {0x1.220efd073c9a6p+21, 0x1.d81e4ff0743fbp+19, 0x1.16f93421e42aep+21}},
      {make(Kind::kPareto, 1e6, 2.5),
       {0x1.7b1240fa66d22p+20, 0x1.25bdb3dabf91ep+20, 0x1.f76aadece765p+19},
       {0x1.5be50219fc322p+20, 0x1.1a370ebcee683p+20, 0x1.a9f4c8619f627p+20}},
      {make(Kind::kAdversarial, 1e6, 5e6), {5e6, 5e6, 5e6}, {5e6, 5e6, 5e6}},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(first_three<Rng>(c.d), c.rng) << "Rng, kind " << int(c.d.kind);
    EXPECT_EQ(first_three<SmallRng>(c.d), c.small) << "SmallRng, kind " << int(c.d.kind);
  }
}

TEST(DistributionsKnownAnswer, TruncatedNormalLatencyFirstDraws) {
  Rng e(derive_seed(1, "kat"));
  const Distribution d = make(Kind::kNormal, 1e5, 2e5);
  const std::vector<double> got = {sample_latency(d, e), sample_latency(d, e), sample_latency(d, e)};
  EXPECT_EQ(got, (std::vector<double>{0x1.25c2ac9e9feafp+17, 0x1.414aee5c02cc9p+16, 0x1.efcb6d0d71432p+16}));
}

}  // namespace
}  // namespace clocksim::sim
