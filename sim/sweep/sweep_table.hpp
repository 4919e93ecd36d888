// sweep.csv (docs/output-formats.md): one row per finished run, in matrix order, with the
// swept values and typed figures from that run's summary.json (durations as numbers, the unit in
// the column name).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "sim/sweep/sweep_plan.hpp"

namespace clocksim::sweep {

// What a recorded run's expectations came to (for the sweep's closing line).
struct RunVerdict {
  std::size_t expects = 0;
  std::size_t failed = 0;         // evaluated and not met
  std::size_t not_evaluated = 0;  // nothing to check them against (no bound, no failover, ...)
};

class SweepTable {
 public:
  SweepTable(const SweepSpec& spec, const std::vector<PlannedRun>& runs);

  // Reads <run_dir>/summary.json for run `index`; throws std::runtime_error when it is
  // missing or malformed.
  RunVerdict record(std::size_t index, const std::string& run_dir);
  std::size_t recorded() const;

  // The whole table as CSV text (header + recorded rows in matrix order).
  std::string csv() const;
  // Writes csv() to `path` atomically (temp file in the same folder, then rename).
  void write(const std::string& path) const;

 private:
  std::vector<std::string> header_;
  std::vector<bool> param_is_duration_;  // written in seconds, the column named <path>_s
  const std::vector<PlannedRun>* runs_;
  std::vector<std::optional<std::string>> rows_;  // CSV line per run, once recorded
};

// RFC 4180 quoting: fields holding a comma, quote or line break are quoted, quotes doubled.
std::string csv_field(const std::string& text);

// A whole number of nanoseconds as exact decimal seconds: 1500000000 -> "1.5", -250 -> "-0.00000025".
std::string seconds_text(long long ns);

}  // namespace clocksim::sweep
