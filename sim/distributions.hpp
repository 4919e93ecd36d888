// Sampling a scenario::Distribution from one of our engines, with Boost.Random distributions only
// (their numbers are the same on every standard library; std:: distributions' are not).
//
// Parameterisation (see sim/scenario/spec.hpp): normal(mean = a, sd = b), lognormal(median = a,
// sigma = b) i.e. exp(N(ln a, b)), exponential(mean = a), pareto(scale = a, shape = b) with support
// [a, inf), uniform [a, b). `shift` is added to every draw.
//
// kAdversarial has no law of its own: the network chooses each delay (sim/network/network.cpp).
// Sampled without that context it yields its upper end b + shift, the harm-maximising default.
#pragma once

#include "algorithms/core/rng.hpp"
#include "sim/scenario/spec.hpp"

namespace clocksim::sim {

// One draw. Defined for Engine = clocksim::Rng and clocksim::SmallRng (explicitly instantiated
// in distributions.cpp, so Boost.Random stays out of every other translation unit).
template <class Engine>
double sample(const scenario::Distribution& dist, Engine& engine);

// A draw for a latency, which is never negative. A normal law is truncated at 0 by resampling
// (rejection keeps the shape of the truncated density, which clamping would not: clamping piles
// the whole negative tail onto 0). After kMaxLatencyResamples rejections (a mean many sd below 0,
// where rejection would take forever) the draw is clamped to 0. Other laws whose support reaches
// below 0 (a negative shift or uniform bound) are clamped: their support was the user's choice.
template <class Engine>
double sample_latency(const scenario::Distribution& dist, Engine& engine);

inline constexpr int kMaxLatencyResamples = 64;

}  // namespace clocksim::sim
