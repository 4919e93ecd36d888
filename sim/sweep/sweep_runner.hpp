// Runs a planned sweep: one folder per run under --out, sweep.csv beside them.
//
// Resuming: a run whose folder already holds summary.json is done and is not run again. A run is
// written into "<folder>.partial" and renamed into place only once complete, so an interrupted
// sweep never leaves a folder that looks done but is not. Because "done" is a fact of the output
// folder, the same rule lets several processes share one sweep: shards of a batch array, MPI
// ranks, or a later invocation that merges what they left.
#pragma once

#include <cstddef>
#include <functional>
#include <iosfwd>
#include <memory>
#include <mutex>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/sweep/shard.hpp"
#include "sim/sweep/sweep_lock.hpp"
#include "sim/sweep/sweep_plan.hpp"
#include "sim/sweep/sweep_table.hpp"

namespace clocksim::sweep {

// Parses "i/K"; nullopt when malformed or i >= K.
std::optional<Shard> parse_shard(const std::string& text);

// More runs in parallel than any machine has cores only costs memory (each run holds its world);
// a typo of --jobs 100000 must not start 100000 threads.
inline constexpr unsigned kMaxSweepJobs = 1024;

struct SweepOptions {
  std::string out_dir;
  unsigned jobs = 0;      // 0: all cores
  bool progress = false;  // a live progress line (the CLI sets it on a terminal)
  Shard shard;            // a part only: runs it, writes no sweep.csv (merge_sweep does)
  // The process's memory limit (sim/memory/memory_limit.hpp), if any: the workers' stacks are
  // kept to half of it, so that the runs have the other half.
  std::optional<std::uint64_t> memory_limit_bytes;
};

// Runs one planned run, writing its files into `run_dir` (created by the callee). Throws on
// failure. Must be safe to call from several threads at once for different runs.
using RunFunction = std::function<void(const PlannedRun& run, const std::string& run_dir)>;

struct SweepReport {
  std::size_t total = 0;    // runs in the sweep (in the shard, for a shard)
  std::size_t resumed = 0;  // already done before this invocation
  std::size_t ran = 0;      // completed now
  std::vector<std::string> failures;  // "<folder>: <what>", in matrix order
  std::vector<std::string> missing;   // merge_sweep: folders of runs not done yet, in matrix order
  // Among the recorded runs: those with an expectation that was evaluated and not met, and those
  // with one that could not be evaluated (e.g. `max_skew: bound` where the run has no bound).
  std::size_t runs_expects_failed = 0;
  std::size_t runs_expects_not_evaluated = 0;
  void count(const RunVerdict& v) {
    runs_expects_failed += v.failed > 0;
    runs_expects_not_evaluated += v.not_evaluated > 0;
  }
};

bool run_is_done(const std::string& out_dir, const PlannedRun& run);

// Runs `run` into <out_dir>/<folder> by way of <folder>.partial. Returns the error, empty when the
// run completed and its folder is in place.
std::string execute_run(const std::string& out_dir, const PlannedRun& run, const RunFunction& run_one);

// Collects finished runs into sweep.csv (rewritten at most once a second and at the end) and
// draws the progress line. Thread-safe.
class SweepProgress {
 public:
  SweepProgress(const SweepSpec& spec, const std::vector<PlannedRun>& runs, const SweepOptions& options,
                std::ostream& progress_out);
  // Records the runs already done; returns the indices (within options.shard) still to do.
  std::vector<std::size_t> scan();
  // A run finished now, successfully when `error` is empty.
  void finished(std::size_t index, std::string error);
  // Final table write and progress line; the report, failures sorted in matrix order.
  SweepReport finish();

 private:
  void print(bool final_line);
  bool writes_table() const;

  const SweepSpec& spec_;
  const std::vector<PlannedRun>& runs_;
  SweepOptions options_;
  SweepLock lock_;  // taken before anything in the folder is read or written
  std::ostream& out_;
  std::mutex mutex_;
  SweepTable table_;
  SweepReport report_;
  std::size_t todo_ = 0;
  std::vector<std::pair<std::size_t, std::string>> failures_;
  double start_s_ = 0;
  double last_write_s_ = 0;
};

// The threaded sweep: options.jobs threads (the caller's among them) take runs in matrix order.
// A run that throws sim::RunStopped stops the sweep: no new run starts, sweep.csv is written for
// what finished, and RunStopped is rethrown (the same sweep again resumes it).
SweepReport run_sweep(const SweepSpec& spec, const std::vector<PlannedRun>& runs, const SweepOptions& options,
                      const RunFunction& run_one, std::ostream& progress_out);

// Runs nothing: writes sweep.csv from every finished run folder (after shards or ranks) and lists
// the runs that are not done in report.missing.
SweepReport merge_sweep(const SweepSpec& spec, const std::vector<PlannedRun>& runs, const std::string& out_dir);

}  // namespace clocksim::sweep
