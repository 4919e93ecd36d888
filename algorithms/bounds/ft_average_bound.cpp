#include "algorithms/bounds/ft_average_bound.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace clocksim::bounds {

namespace {
// The piece in force from just after t_s on: the first round's up to T1, then round j's.
double piece_at(const FtAverageBound& b, double t_s) {
  // Round 1 may be half applied at any moment before T1: a corrected clock lies within factor·ε
  // of the hull of the others, and two corrected clocks within the spread one round leaves
  // (docs/bounds.md §8).
  if (t_s < b.first_done || b.per_round.empty()) {
    return std::max(b.initial_spread + 2 * b.rho * t_s + b.factor * b.eps, b.first_round_pair);
  }
  const auto j = static_cast<std::size_t>((t_s - b.first_done) / b.round_gap);
  return b.per_round[std::min(j, b.per_round.size() - 1)];
}
}  // namespace

double FtAverageBound::at(double t_s) const {
  if (!valid) return std::numeric_limits<double>::infinity();
  // The last correction of a round can land exactly at its end (the clock with the extreme
  // initial offset reads its round time at T1): at that instant the skew before it still counts.
  return std::max(piece_at(*this, t_s), piece_at(*this, t_s - kBoundarySlack_s));
}

FtAverageBound ft_average_skew_bound(const FtAverageBoundInput& in) {
  FtAverageBound b;
  const double rho = in.rho_ppm * 1e-6;
  const int n = in.nodes;
  const int f = in.faults;
  b.rho = rho;
  b.initial_spread = in.initial_spread_s;
  if (n < 2 || f < 0) {
    b.no_bound = NoBound(NoBoundWhy::kTooFewNodes);
    return b;
  }
  if (2 * f + 1 > n) {
    b.no_bound = NoBound(NoBoundWhy::kFaultsDropEveryEstimate);
    b.no_bound.faults = f;
    b.no_bound.nodes = n;
    return b;
  }
  if (in.step_threshold_s > 0) {
    b.no_bound = NoBound(NoBoundWhy::kStepsOnly);
    return b;
  }
  if (rho >= 0.01) {
    b.no_bound = NoBound(NoBoundWhy::kDriftTooLarge);
    return b;
  }
  if (in.liars > 0) {
    if (in.mean) {
      b.no_bound = NoBound(NoBoundWhy::kByzantineNeedsMidpoint);
      return b;
    }
    if (in.liars > f) {
      b.no_bound = NoBound(NoBoundWhy::kMoreLiarsThanFaults);
      b.no_bound.liars = in.liars;
      b.no_bound.faults = f;
      return b;
    }
    if (n < 3 * f + 1) {
      b.no_bound = NoBound(NoBoundWhy::kTooFewForLiars);
      b.no_bound.nodes = n;
      b.no_bound.faults = f;
      return b;
    }
  }
  const double u = in.latency_max_s - in.latency_min_s;
  const double R = in.period_s, W = in.read_window_s;
  b.factor = (f == 0 && in.mean) ? 1.0 - 1.0 / n : 1.0;
  b.first_done = (R + W + in.max_abs_initial_offset_s + rho * R) / (1 - rho);
  const double first_pre = in.initial_spread_s + 2 * rho * b.first_done;

  // The read-to-apply interval A depends on the spread at a round's start, which the rounds
  // bound: iterate to the fixed point (2ρ/(1 − ρ) ≪ 1, so a few steps suffice).
  double p_max = first_pre;
  for (int iter = 0; iter < 100; ++iter) {
    const double A = (p_max + W) / (1 - rho);
    b.eps = (u / 2) * (1 + rho) + 2 * in.clock_resolution_s + 2 * rho * A;
    b.k_round = b.factor * 2 * b.eps + 2 * rho * A;
    b.round_gap = (R + b.factor * b.eps + 2 * rho * R) / (1 - rho) + A;
    b.drift = 2 * rho * b.round_gap;
    b.per_round.clear();
    double s = in.liars > 0 ? first_pre / 2 + 2 * b.eps + 2 * rho * A : b.k_round;
    b.first_round_pair = s;
    double next_max = first_pre;
    for (int j = 0; j < 200; ++j) {
      const double pre = s + b.drift;
      b.per_round.push_back(pre + b.factor * b.eps);
      next_max = std::max(next_max, pre);
      const double next = in.liars > 0 ? pre / 2 + 2 * b.eps + 2 * rho * A : b.k_round;
      if (std::fabs(next - s) < 1e-12) break;
      s = next;
    }
    if (std::fabs(next_max - p_max) < 1e-12) break;
    p_max = next_max;
  }
  b.steady = b.per_round.back();
  if (W * (1 - rho) <= p_max + 2 * in.latency_max_s) {
    b.no_bound = NoBound(NoBoundWhy::kReadWindowTooShort);
    b.no_bound.amount_s = W;
    b.no_bound.limit_s = p_max + 2 * in.latency_max_s;
    return b;
  }
  if (R * (1 - rho) <= W * (1 + rho) / (1 - rho) + p_max) {
    b.no_bound = NoBound(NoBoundWhy::kRoundsOverlap);
    return b;
  }
  b.valid = true;
  return b;
}

}  // namespace clocksim::bounds
