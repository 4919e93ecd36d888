// sweep.csv (docs/output-formats.md): one row per finished run, in matrix order, with the
// swept values as written and the figures from that run's summary.json.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "sim/sweep/sweep_plan.hpp"

namespace clocksim::sweep {

class SweepTable {
 public:
  SweepTable(const SweepSpec& spec, const std::vector<PlannedRun>& runs);

  // Reads <run_dir>/summary.json for run `index`; throws std::runtime_error when it is
  // missing or malformed.
  void record(std::size_t index, const std::string& run_dir);
  std::size_t recorded() const;

  // The whole table as CSV text (header + recorded rows in matrix order).
  std::string csv() const;
  // Writes csv() to `path` atomically (temp file in the same folder, then rename).
  void write(const std::string& path) const;

 private:
  std::vector<std::string> header_;
  const std::vector<PlannedRun>* runs_;
  std::vector<std::optional<std::string>> rows_;  // CSV line per run, once recorded
};

// RFC 4180 quoting: fields holding a comma, quote or line break are quoted, quotes doubled.
std::string csv_field(const std::string& text);

}  // namespace clocksim::sweep
