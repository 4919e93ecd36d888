#include "sim/distributions.hpp"

#include <algorithm>
#include <cmath>

#include <boost/random/exponential_distribution.hpp>
#include <boost/random/lognormal_distribution.hpp>
#include <boost/random/normal_distribution.hpp>
#include <boost/random/uniform_real_distribution.hpp>

namespace clocksim::sim {

namespace {

using DistributionKind = scenario::Distribution::Kind;

// Without the shift. Boost's distributions are stateless between calls (normal uses the
// ziggurat, no cached second variate), so constructing one per draw changes nothing.
template <class Engine>
double draw_unshifted(const scenario::Distribution& d, Engine& engine) {
  switch (d.kind) {
    case DistributionKind::kConstant: return d.a;
    case DistributionKind::kUniform:
      if (!(d.b > d.a)) return d.a;  // degenerate interval: Boost requires a < b
      return boost::random::uniform_real_distribution<double>(d.a, d.b)(engine);
    case DistributionKind::kNormal:
      if (!(d.b > 0)) return d.a;
      return boost::random::normal_distribution<double>(d.a, d.b)(engine);
    case DistributionKind::kLognormal:
      // Boost's lognormal takes the underlying normal's (m, s); the median of exp(N(m, s)) is e^m.
      if (!(d.b > 0)) return d.a;
      return boost::random::lognormal_distribution<double>(std::log(d.a), d.b)(engine);
    case DistributionKind::kExponential:
      if (!(d.a > 0)) return 0;
      return boost::random::exponential_distribution<double>(1.0 / d.a)(engine);
    case DistributionKind::kPareto: {
      // Inverse transform: F(x) = 1 - (scale/x)^shape, so x = scale * (1 - U)^(-1/shape) with
      // 1 - U in (0, 1] (U in [0, 1)), never dividing by zero.
      const double u = boost::random::uniform_real_distribution<double>(0.0, 1.0)(engine);
      return d.a * std::pow(1.0 - u, -1.0 / d.b);
    }
    case DistributionKind::kAdversarial: return d.b;
  }
  return d.a;
}

}  // namespace

template <class Engine>
double sample(const scenario::Distribution& dist, Engine& engine) {
  return draw_unshifted(dist, engine) + dist.shift;
}

template <class Engine>
double sample_latency(const scenario::Distribution& dist, Engine& engine) {
  // Links' usual law, drawn here rather than through draw_unshifted's switch, a call GCC keeps
  // out of line: the same Boost draw, once per message sent.
  if (dist.kind == DistributionKind::kUniform && dist.b > dist.a) {
    return std::max(boost::random::uniform_real_distribution<double>(dist.a, dist.b)(engine) + dist.shift, 0.0);
  }
  double x = sample(dist, engine);
  if (dist.kind == DistributionKind::kNormal) {
    for (int tries = 0; x < 0 && tries < kMaxLatencyResamples; ++tries) x = sample(dist, engine);
  }
  return std::max(x, 0.0);
}

template double sample<Rng>(const scenario::Distribution&, Rng&);
template double sample<SmallRng>(const scenario::Distribution&, SmallRng&);
template double sample_latency<Rng>(const scenario::Distribution&, Rng&);
template double sample_latency<SmallRng>(const scenario::Distribution&, SmallRng&);

}  // namespace clocksim::sim
