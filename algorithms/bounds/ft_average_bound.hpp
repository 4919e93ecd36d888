// Worst-case skew of fault-tolerant averaging (algorithms/ftavg, docs/bounds.md §8) as a pure
// function of the parameters. No simulator types; all durations in seconds, rates in ppm.
//
// Without liars every order statistic of the estimates is 1-Lipschitz in them, so one round
// brings any spread down to K = 2ε (the mean of all estimates, f = 0: 2ε(1 − 1/n), the
// Lundelius–Lynch argument). With m ≤ f liars, n ≥ 3f + 1 and the midpoint, the honest spread
// halves each round plus 2ε (Welch & Lynch): S' ≤ (S + D)/2 + 2ε, converging to 4ε + 2D.
#pragma once

#include <vector>

#include "algorithms/bounds/no_bound.hpp"

namespace clocksim::bounds {

struct FtAverageBoundInput {
  int nodes = 2;
  int faults = 0;               // f: estimates dropped at each end
  bool mean = false;            // combine: mean (else midpoint)
  int liars = 0;                // Byzantine clocks in the run
  double rho_ppm = 0;           // max |rate error| of any clock
  double latency_min_s = 0;     // one-way, every message
  double latency_max_s = 0;
  double period_s = 10;
  double read_window_s = 0.5;
  double step_threshold_s = 0;  // the model covers stepped corrections only (0)
  double clock_resolution_s = 0;
  double initial_spread_s = 0;      // max − min of the initial offsets
  double max_abs_initial_offset_s = 0;
};

struct FtAverageBound {
  bool valid = false;
  NoBound no_bound;  // why not valid
  double eps = 0;          // ε: error of one offset estimate, as applied
  double factor = 1;       // 1 − 1/n for the mean of all estimates, else 1
  double k_round = 0;      // spread right after an honest round (no liars)
  double first_round_pair = 0;  // between two clocks that both applied round 1 (liars or not)
  double first_done = 0;   // T1: every node has applied its first correction
  double round_gap = 0;    // G: longest true time from one round's end to the next's
  double drift = 0;        // D = 2ρG
  double steady = 0;       // the bound once the rounds have converged
  double initial_spread = 0;
  double rho = 0;
  std::vector<double> per_round;  // bound for t in [T1 + jG, T1 + (j+1)G); the last one holds on

  // +inf when invalid. At the instant a piece ends (T1, T1 + jG) the corrections that end it may
  // not all have landed yet: the larger of the two pieces holds there (see kBoundarySlack_s).
  double at(double t_s) const;
  // A piece's end as an instant of the run is a whole nanosecond that the double T1 + jG can miss
  // either way: every instant within this much of an end counts as that end.
  static constexpr double kBoundarySlack_s = 2e-9;
};

FtAverageBound ft_average_skew_bound(const FtAverageBoundInput& in);

}  // namespace clocksim::bounds
