#include "sim/sweep/sweep_runner.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <ostream>
#include <stdexcept>
#include <thread>

#include "sim/sweep/sweep_table.hpp"

namespace clocksim::sweep {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

bool is_done(const fs::path& run_dir) { return fs::is_regular_file(run_dir / "summary.json"); }

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

}  // namespace

SweepReport run_sweep(const SweepSpec& spec, const std::vector<PlannedRun>& runs, const SweepOptions& options,
                      const RunFunction& run_one, std::ostream& progress_out) {
  const fs::path out_dir = options.out_dir;
  fs::create_directories(out_dir);
  const std::string csv_path = (out_dir / "sweep.csv").string();

  SweepReport report;
  report.total = runs.size();
  SweepTable table(spec, runs);
  std::vector<std::size_t> todo;
  for (const PlannedRun& run : runs) {
    const fs::path dir = out_dir / run.folder;
    if (is_done(dir)) {
      table.record(run.index, dir.string());
      ++report.resumed;
    } else {
      todo.push_back(run.index);
    }
  }
  table.write(csv_path);

  unsigned jobs = options.jobs ? options.jobs : std::max(1u, std::thread::hardware_concurrency());
  jobs = static_cast<unsigned>(std::min<std::size_t>(jobs, std::max<std::size_t>(todo.size(), 1)));

  std::mutex mutex;  // guards table, report, failures, progress output and last_write
  std::vector<std::pair<std::size_t, std::string>> failures;
  std::atomic<std::size_t> next{0};
  const auto start = Clock::now();
  auto last_write = start;

  auto print_progress = [&](bool final_line) {
    if (!options.progress) return;
    const std::size_t done = report.ran + failures.size();
    const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    std::string eta = "?";
    if (done > 0 && done < todo.size()) eta = format_eta(elapsed / static_cast<double>(done) * (todo.size() - done));
    char line[200];
    std::snprintf(line, sizeof line, "\rsweep %s: %zu/%zu runs (%.0f%%), %zu resumed, %zu failed, ETA %s   ",
                  spec.name.c_str(), report.resumed + done, report.total,
                  report.total ? 100.0 * static_cast<double>(report.resumed + done) / report.total : 100.0,
                  report.resumed, failures.size(), final_line ? "0s" : eta.c_str());
    progress_out << line << (final_line ? "\n" : "") << std::flush;
  };

  auto worker = [&] {
    for (;;) {
      const std::size_t k = next.fetch_add(1);
      if (k >= todo.size()) return;
      const PlannedRun& run = runs[todo[k]];
      const fs::path final_dir = out_dir / run.folder;
      const fs::path partial_dir = out_dir / (run.folder + ".partial");
      std::string error;
      try {
        fs::remove_all(partial_dir);  // left over from an interrupted sweep
        run_one(run, partial_dir.string());
        if (!is_done(partial_dir)) throw std::runtime_error("the run wrote no summary.json");
        fs::remove_all(final_dir);  // an incomplete folder from an older layout
        fs::rename(partial_dir, final_dir);
      } catch (const std::exception& e) {
        error = e.what();
      }
      const std::lock_guard lock(mutex);
      if (error.empty()) {
        try {
          table.record(run.index, final_dir.string());
          ++report.ran;
        } catch (const std::exception& e) {
          error = e.what();
        }
      }
      if (!error.empty()) failures.emplace_back(run.index, run.folder + ": " + error);
      // Rewriting the table costs O(runs); once a second keeps big sweeps cheap.
      if (Clock::now() - last_write > std::chrono::seconds(1)) {
        try {
          table.write(csv_path);
        } catch (const std::exception&) {
          // Not fatal here: the final write below reports it.
        }
        last_write = Clock::now();
      }
      print_progress(false);
    }
  };

  {
    std::vector<std::jthread> pool;
    for (unsigned i = 1; i < jobs; ++i) pool.emplace_back(worker);
    worker();  // the calling thread works too
  }
  table.write(csv_path);
  print_progress(true);
  std::sort(failures.begin(), failures.end());
  for (auto& f : failures) report.failures.push_back(std::move(f.second));
  return report;
}

}  // namespace clocksim::sweep
