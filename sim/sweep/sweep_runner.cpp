#include "sim/sweep/sweep_runner.hpp"

#include "algorithms/core/decimal_text.hpp"
#include "sim/run/float_environment.hpp"
#include "sim/sweep/sweep_record.hpp"

#include <pthread.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <ostream>
#include <stdexcept>
#include <system_error>
#include <thread>

#include "sim/run/run_scenario.hpp"

namespace clocksim::sweep {
namespace {

namespace fs = std::filesystem;

double steady_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

std::string format_eta(double seconds) {
  const long s = static_cast<long>(seconds + 0.5);
  char buf[32];
  if (s >= 3600) {
    std::snprintf(buf, sizeof buf, "%ldh%02ldm", s / 3600, (s / 60) % 60);
  } else if (s >= 60) {
    std::snprintf(buf, sizeof buf, "%ldm%02lds", s / 60, s % 60);
  } else {
    std::snprintf(buf, sizeof buf, "%lds", s);
  }
  return buf;
}

bool parse_size(std::string_view text, std::size_t& out) {
  if (text.empty()) return false;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

// What a new thread's stack reserves: the size pthreads gives a thread by default (RLIMIT_STACK,
// 8 MiB on most systems), which std::thread uses.
std::uint64_t default_thread_stack_bytes() {
  pthread_attr_t attr;
  std::size_t bytes = 8u << 20;
  if (::pthread_attr_init(&attr) == 0) {
    std::size_t got = 0;
    if (::pthread_attr_getstacksize(&attr, &got) == 0 && got > 0) bytes = got;
    ::pthread_attr_destroy(&attr);
  }
  return bytes;
}

}  // namespace

std::optional<Shard> parse_shard(const std::string& text) {
  const auto slash = text.find('/');
  if (slash == std::string::npos) return std::nullopt;
  Shard s;
  if (!parse_size(std::string_view(text).substr(0, slash), s.index)) return std::nullopt;
  if (!parse_size(std::string_view(text).substr(slash + 1), s.count)) return std::nullopt;
  if (s.count == 0 || s.index >= s.count) return std::nullopt;
  return s;
}

bool run_is_done(const std::string& out_dir, const PlannedRun& run) {
  return fs::is_regular_file(fs::path(out_dir) / run.folder / "summary.json");
}

std::string execute_run(const std::string& out_dir, const PlannedRun& run, const RunFunction& run_one) {
  const fs::path final_dir = fs::path(out_dir) / run.folder;
  const fs::path partial_dir = fs::path(out_dir) / (run.folder + ".partial");
  try {
    fs::remove_all(partial_dir);  // left over from an interrupted sweep
    run_one(run, partial_dir.string());
    if (!fs::is_regular_file(partial_dir / "summary.json")) throw std::runtime_error("the run wrote no summary.json");
    fs::remove_all(final_dir);  // an incomplete folder from an older layout
    fs::rename(partial_dir, final_dir);
  } catch (const sim::RunStopped&) {
    throw;  // not a failed run: the whole sweep stops (its partial folder is redone on resume)
  } catch (const std::exception& e) {
    // A failed run keeps nothing: its files are incomplete, and the run is listed as failed.
    std::error_code ignored;
    fs::remove_all(partial_dir, ignored);
    return e.what();
  }
  return {};
}

SweepProgress::SweepProgress(const SweepSpec& spec, const std::vector<PlannedRun>& runs,
                             const SweepOptions& options, std::ostream& progress_out)
    : spec_(spec), runs_(runs), options_(options), lock_(options.out_dir, options.shard), out_(progress_out),
      table_(spec, runs) {
  check_plan_record(options.out_dir, plan_record(spec, runs));  // before any run folder is read
  start_s_ = last_write_s_ = steady_seconds();
}

bool SweepProgress::writes_table() const { return options_.shard.whole(); }

std::vector<std::size_t> SweepProgress::scan() {
  const std::lock_guard lock(mutex_);
  std::vector<std::size_t> todo;
  for (const PlannedRun& run : runs_) {
    if (!options_.shard.contains(run.index)) continue;
    ++report_.total;
    if (run_is_done(options_.out_dir, run)) {
      try {
        report_.count(table_.record(run.index, (fs::path(options_.out_dir) / run.folder).string()));
        ++report_.resumed;
        continue;
      } catch (const std::exception&) {
        // Its summary.json cannot be read (cut short, edited, emptied): it is run again, and the
        // new run replaces every file of the old one.
      }
    }
    todo.push_back(run.index);
  }
  todo_ = todo.size();
  if (writes_table()) table_.write((fs::path(options_.out_dir) / "sweep.csv").string());
  start_s_ = steady_seconds();
  return todo;
}

void SweepProgress::finished(std::size_t index, std::string error) {
  const std::lock_guard lock(mutex_);
  const PlannedRun& run = runs_.at(index);
  if (error.empty()) {
    try {
      report_.count(table_.record(run.index, (fs::path(options_.out_dir) / run.folder).string()));
      ++report_.ran;
    } catch (const std::exception& e) {
      error = e.what();
    }
  }
  if (!error.empty()) failures_.emplace_back(run.index, run.folder + ": " + error);
  // Rewriting the table costs O(runs); once a second keeps big sweeps cheap.
  if (writes_table() && steady_seconds() - last_write_s_ > 1.0) {
    try {
      table_.write((fs::path(options_.out_dir) / "sweep.csv").string());
    } catch (const std::exception&) {
      // Not fatal here: the final write in finish() reports it.
    }
    last_write_s_ = steady_seconds();
  }
  print(false);
}

void SweepProgress::print(bool final_line) {
  if (!options_.progress) return;
  const std::size_t done = report_.ran + failures_.size();
  const double elapsed = steady_seconds() - start_s_;
  std::string eta = "?";
  if (done > 0 && done < todo_) eta = format_eta(elapsed / static_cast<double>(done) * static_cast<double>(todo_ - done));
  std::string what = spec_.name;
  if (!options_.shard.whole()) {
    what += " shard " + std::to_string(options_.shard.index) + "/" + std::to_string(options_.shard.count);
  }
  const double percent =
      report_.total ? 100.0 * static_cast<double>(report_.resumed + done) / static_cast<double>(report_.total) : 100.0;
  out_ << "\rsweep " << what << ": " << report_.resumed + done << "/" << report_.total << " runs ("
       << fixed_text(percent, 0) << "%), " << report_.resumed << " resumed, " << failures_.size() << " failed, ETA "
       << (final_line ? "0s" : eta) << "   " << (final_line ? "\n" : "") << std::flush;
}

SweepReport SweepProgress::finish() {
  const std::lock_guard lock(mutex_);
  if (writes_table()) table_.write((fs::path(options_.out_dir) / "sweep.csv").string());
  print(true);
  std::sort(failures_.begin(), failures_.end());
  SweepReport report = report_;
  for (auto& f : failures_) report.failures.push_back(std::move(f.second));
  failures_.clear();
  return report;
}

SweepReport run_sweep(const SweepSpec& spec, const std::vector<PlannedRun>& runs, const SweepOptions& options,
                      const RunFunction& run_one, std::ostream& progress_out) {
  const sim::DefaultFloatEnvironment float_environment;  // the pool's threads inherit it
  SweepProgress progress(spec, runs, options, progress_out);
  const std::vector<std::size_t> todo = progress.scan();

  unsigned jobs = options.jobs ? options.jobs : std::max(1u, std::thread::hardware_concurrency());
  jobs = static_cast<unsigned>(std::min<std::size_t>(jobs, std::max<std::size_t>(todo.size(), 1)));
  if (options.memory_limit_bytes) {
    // Each worker reserves a thread stack, which the limit counts whether touched or not.
    const std::uint64_t stack_bytes = default_thread_stack_bytes();
    const std::uint64_t fit = std::max<std::uint64_t>(1, *options.memory_limit_bytes / 2 / stack_bytes);
    if (jobs > fit) {
      progress_out << "clocksim sweep: " << fit << " workers instead of " << jobs << ": their stacks ("
                   << stack_bytes / (1024 * 1024) << " MiB each) may take at most half of the memory limit\n";
      jobs = static_cast<unsigned>(fit);
    }
  }
  std::atomic<std::size_t> next{0};
  std::atomic<bool> stopped{false};
  auto worker = [&] {
    while (!stopped.load()) {
      const std::size_t k = next.fetch_add(1);
      if (k >= todo.size()) return;
      const PlannedRun& run = runs[todo[k]];
      try {
        progress.finished(run.index, execute_run(options.out_dir, run, run_one));
      } catch (const sim::RunStopped&) {
        stopped = true;  // the other workers start nothing new
        return;
      }
    }
  };
  {
    std::vector<std::jthread> pool;
    for (unsigned i = 1; i < jobs; ++i) {
      try {
        pool.emplace_back(worker);
      } catch (const std::system_error& e) {
        // Out of threads or of memory for their stacks (a memory limit counts them): the runs go
        // on with the workers there are, each run the same whoever runs it.
        progress_out << "clocksim sweep: started " << i << " of " << jobs << " workers (the system refused more: "
                     << e.what() << "); the runs go on with those\n";
        break;
      }
    }
    worker();  // the calling thread works too
  }
  SweepReport report = progress.finish();  // sweep.csv holds what finished; the rest resumes
  if (stopped) throw sim::RunStopped{};
  return report;
}

SweepReport merge_sweep(const SweepSpec& spec, const std::vector<PlannedRun>& runs, const std::string& out_dir) {
  const SweepLock lock(out_dir, Shard{});
  check_plan_record(out_dir, plan_record(spec, runs));
  lock.remove_shard_locks();
  SweepTable table(spec, runs);
  SweepReport report;
  report.total = runs.size();
  for (const PlannedRun& run : runs) {
    if (run_is_done(out_dir, run)) {
      try {
        report.count(table.record(run.index, (fs::path(out_dir) / run.folder).string()));
        ++report.resumed;
      } catch (const std::exception& e) {
        report.failures.push_back(run.folder + ": " + e.what());
      }
    } else {
      report.missing.push_back(run.folder);
    }
  }
  table.write((fs::path(out_dir) / "sweep.csv").string());
  return report;
}

}  // namespace clocksim::sweep
