// A sweep file: a base scenario, a matrix of scenario parameter paths -> values, and seeds.
// `clocksim sweep` runs every combination; docs/sweeps.md documents the format:
//
//   base: ../drift-only.yaml              # relative to the sweep file
//   set: {duration: 5m}                    # optional: applied to every run, before the matrix
//   matrix:
//     algorithm.sync.period: [5s, 10s, 30s]
//     clocks.drift_ppm.max: [10, 100, 1000]
//   seeds: 1..5                            # or [1, 2, 3] or {from: 1, to: 5}; default: the base's
//   traces: true                           # optional: keep trace.csv in every run (default off)
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace clocksim::config {
class ConfigError;
}  // namespace clocksim::config

namespace clocksim::sweep {

// Where a value is written in the sweep file (1-based; 0: nowhere), so that a value the base
// scenario refuses is reported at the value, not at the --set it became.
struct SweepOrigin {
  int line = 0;
  int column = 0;
};

struct SweepParameter {
  std::string path;                 // scenario key path, as --set takes it ("links.latency")
  std::vector<std::string> values;  // as written (scalars verbatim, lists/maps in YAML flow form)
  std::vector<SweepOrigin> origins = {};  // one per value
};

struct SweepSpec {
  std::string source_file;
  std::string name;                          // defaults to the file's stem
  std::string base_scenario;                 // path, resolved against the sweep file's directory
  std::vector<std::string> fixed_overrides;  // "path=value" from `set:`, in file order
  std::vector<SweepOrigin> fixed_origins;    // one per fixed override
  std::vector<SweepParameter> matrix;        // in file order; the first varies slowest
  std::vector<std::uint64_t> seeds;          // empty: every run keeps the base scenario's seed
  // Per-tick traces (trace.csv) in every run folder: off unless `traces: true` or --traces, as
  // a sweep's questions are answered by summary.json and sweep.csv (and traces cost ~8x the disk).
  bool traces = false;
  // The files the runs read besides the base scenario (topology files), each once, in the order
  // first met: not in the sweep file, so empty until the runs are loaded (note_input_files).
  std::vector<std::string> input_files;
};

// A user error in a sweep file, printed like a compiler diagnostic:
//   "sweep.yaml:4:3: error: at 'matrix.links.loss': expected a non-empty list of values"
class SweepError : public std::runtime_error {
 public:
  SweepError(const std::string& file, int line, int column, const std::string& key_path,
             const std::string& message);
  // An error of the reader every configuration file shares (config/), every line of it.
  explicit SweepError(const config::ConfigError& error);
  int line() const { return line_; }  // 1-based; 0 when there is no position
  int column() const { return column_; }
  const std::string& key_path() const { return key_path_; }

 private:
  int line_;
  int column_;
  std::string key_path_;
};

// Upper bound on runs in one sweep (a typo such as `seeds: 1..1000000000` should not start).
inline constexpr std::uint64_t kMaxSweepRuns = 1'000'000;

SweepSpec load_sweep_file(const std::string& path);
// `display_name` names the text in errors; `base_dir` resolves a relative `base:`.
SweepSpec parse_sweep_text(std::string_view yaml, const std::string& display_name,
                           const std::string& base_dir);

}  // namespace clocksim::sweep
