#include "algorithms/berkeley/network_delta.hpp"

#include <algorithm>
#include <numeric>

#include "algorithms/core/checked_math.hpp"

namespace clocksim::berkeley {

std::int64_t truncated_mean(std::span<const std::int64_t> values) {
  if (values.empty()) return 0;
  __extension__ using Wide = __int128;  // GCC/Clang builtin; __extension__ keeps -Wpedantic quiet
  Wide sum = 0;
  for (std::int64_t v : values) sum += v;
  return static_cast<std::int64_t>(sum / static_cast<Wide>(values.size()));
}

NetworkDelta network_delta(std::span<const std::int64_t> deltas, AverageRule rule, std::int64_t tolerance) {
  NetworkDelta out;
  out.used.assign(deltas.size(), true);
  if (deltas.size() < 2) {
    out.avg = 0;
    return out;
  }
  // Sort indices (stable on equal values, so which duplicate is left out is deterministic).
  std::vector<std::size_t> order(deltas.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return deltas[a] < deltas[b]; });
  std::vector<std::int64_t> sorted(deltas.size());
  for (std::size_t i = 0; i < order.size(); ++i) sorted[i] = deltas[order[i]];

  switch (rule) {
    case AverageRule::kPlain:
      out.avg = truncated_mean(sorted);
      return out;
    case AverageRule::kMedian: {
      const std::size_t n = sorted.size();
      if (n % 2 == 1) {
        out.avg = sorted[n / 2];
      } else {
        const std::int64_t two[2] = {sorted[n / 2 - 1], sorted[n / 2]};
        out.avg = truncated_mean(two);
      }
      return out;
    }
    case AverageRule::kFaultTolerant: {
      // 4.3 networkdelta.c: with only the master and one slave there is no majority to find;
      // the two are simply averaged.
      if (sorted.size() == 2) {
        out.avg = truncated_mean(sorted);
        return out;
      }
      // Two-pointer scan: for each right end, the leftmost start keeping the span in tolerance.
      std::size_t best_lo = 0, best_hi = 0, lo = 0;
      for (std::size_t hi = 0; hi < sorted.size(); ++hi) {
        while (sat_sub(sorted[hi], sorted[lo]) > tolerance) ++lo;
        if (hi - lo >= best_hi - best_lo) {  // ">=": ties go to the later, higher window (4.3)
          best_lo = lo;
          best_hi = hi;
        }
      }
      out.avg = truncated_mean(std::span<const std::int64_t>(sorted).subspan(best_lo, best_hi - best_lo + 1));
      for (std::size_t i = 0; i < sorted.size(); ++i) {
        if (i < best_lo || i > best_hi) out.used[order[i]] = false;
      }
      return out;
    }
  }
  return out;
}

}  // namespace clocksim::berkeley
