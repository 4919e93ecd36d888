// The master's "network delta": one number from all measured clock differences (slave − master,
// the master's own 0 included) that every clock is then corrected towards.
//
// The arithmetic is on plain integers in whatever unit the caller uses (ns in the state machine;
// ms reproduces timed's integer-millisecond results exactly).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "algorithms/berkeley/config.hpp"

namespace clocksim::berkeley {

struct NetworkDelta {
  std::int64_t avg = 0;
  std::vector<bool> used;  // per input: did it enter the average (false: an outlier)
};

// fault_tolerant, the 4.3BSD rule (networkdelta.c, Gusella & Zatti):
//   1. sort the deltas;
//   2. find the largest set of sorted-contiguous values with max − min <= tolerance; when two
//      windows have the same size the later (higher) one wins, because the scan replaces the best
//      window whenever the new one is at least as large;
//   3. avg = the mean of that set, truncated toward zero.
// With fewer than two inputs there is nothing to average and avg = 0 (timed: no correction);
// with exactly two (master + one slave) avg is their mean, as in 4.3.
// Values outside the window are marked unused; they are still corrected by the caller.
// plain: truncated mean of all. median: the middle value; for an even count the truncated mean
// of the two middle values. Neither marks any value unused.
NetworkDelta network_delta(std::span<const std::int64_t> deltas, AverageRule rule, std::int64_t tolerance);

// Truncated (toward zero) mean; C++ integer division already truncates toward zero. The sum is
// taken in 128 bits so that a clock hours off cannot overflow it.
std::int64_t truncated_mean(std::span<const std::int64_t> values);

}  // namespace clocksim::berkeley
