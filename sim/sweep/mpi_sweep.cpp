#include "sim/sweep/mpi_sweep.hpp"

#include <mpi.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>

namespace clocksim::sweep {
namespace {

constexpr int kTagRequest = 1;  // worker -> root: [int64 finished run or -1][error text]
constexpr int kTagWork = 2;     // root -> worker: int64 run to do, or -1: no more work
constexpr std::int64_t kNone = -1;

void check(int rc, const char* what) {
  if (rc != MPI_SUCCESS) throw std::runtime_error(std::string("MPI: ") + what + " failed");
}

class MpiSession {
 public:
  MpiSession() {
    int provided = 0;
    // Funneled: only the main thread calls MPI; rank 0's worker thread never does.
    check(MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided), "MPI_Init_thread");
    if (provided < MPI_THREAD_FUNNELED) {
      MPI_Finalize();
      throw std::runtime_error("MPI: the library does not support MPI_THREAD_FUNNELED");
    }
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
  }
  ~MpiSession() { MPI_Finalize(); }
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;
  int rank = 0;
  int size = 1;
};

std::vector<char> request_bytes(std::int64_t finished, const std::string& error) {
  std::vector<char> bytes(sizeof finished + error.size());
  std::memcpy(bytes.data(), &finished, sizeof finished);
  std::memcpy(bytes.data() + sizeof finished, error.data(), error.size());
  return bytes;
}

// Rank > 0: ask for a run, do it, report it with the next request, until told there is no more.
void work_for_root(const SweepOptions& options, const std::vector<PlannedRun>& runs, const RunFunction& run_one) {
  std::int64_t finished = kNone;
  std::string error;
  for (;;) {
    const std::vector<char> req = request_bytes(finished, error);
    check(MPI_Send(req.data(), static_cast<int>(req.size()), MPI_BYTE, 0, kTagRequest, MPI_COMM_WORLD), "MPI_Send");
    std::int64_t next = kNone;
    check(MPI_Recv(&next, 1, MPI_INT64_T, 0, kTagWork, MPI_COMM_WORLD, MPI_STATUS_IGNORE), "MPI_Recv");
    if (next == kNone) return;
    const PlannedRun& run = runs.at(static_cast<std::size_t>(next));
    error = execute_run(options.out_dir, run, run_one);
    finished = next;
  }
}

// Rank 0: hands out runs to the other ranks from its main thread while one thread of its own
// runs simulations from the same list.
SweepReport coordinate(int ranks, const SweepSpec& spec, const std::vector<PlannedRun>& runs,
                       const SweepOptions& options, const RunFunction& run_one, std::ostream& progress_out,
                       std::vector<std::size_t>& runs_per_rank) {
  runs_per_rank.assign(static_cast<std::size_t>(ranks), 0);
  SweepProgress progress(spec, runs, options, progress_out);
  const std::vector<std::size_t> todo = progress.scan();
  std::atomic<std::size_t> next{0};
  auto take = [&]() -> std::int64_t {
    const std::size_t k = next.fetch_add(1);
    return k < todo.size() ? static_cast<std::int64_t>(todo[k]) : kNone;
  };

  std::size_t local_runs = 0;
  auto local_work = [&] {
    for (std::int64_t k = take(); k != kNone; k = take()) {
      const PlannedRun& run = runs[static_cast<std::size_t>(k)];
      progress.finished(run.index, execute_run(options.out_dir, run, run_one));
      ++local_runs;
    }
  };
  // The local thread starts once every other rank has asked for its first run (or after a
  // second): rank 0 alone would otherwise race through short runs while the others start up, and
  // who ran what would depend on start-up timing more than on load.
  std::jthread local;
  std::vector<bool> asked(static_cast<std::size_t>(ranks), false);
  int not_yet_asked = ranks - 1;
  const auto local_start_deadline = std::chrono::steady_clock::now() + std::chrono::seconds(1);
  auto start_local_if_due = [&] {
    if (!local.joinable() && (not_yet_asked == 0 || std::chrono::steady_clock::now() >= local_start_deadline)) {
      local = std::jthread(local_work);
    }
  };

  int active = ranks - 1;
  std::vector<char> buf;
  start_local_if_due();
  while (active > 0) {
    start_local_if_due();
    int flag = 0;
    MPI_Status status;
    check(MPI_Iprobe(MPI_ANY_SOURCE, kTagRequest, MPI_COMM_WORLD, &flag, &status), "MPI_Iprobe");
    if (!flag) {
      // Polling with a short sleep instead of a blocking receive: Open MPI's blocking calls spin,
      // which would take a core from this rank's own simulation thread.
      std::this_thread::sleep_for(std::chrono::microseconds(500));
      continue;
    }
    int count = 0;
    MPI_Get_count(&status, MPI_BYTE, &count);
    buf.resize(static_cast<std::size_t>(count));
    check(MPI_Recv(buf.data(), count, MPI_BYTE, status.MPI_SOURCE, kTagRequest, MPI_COMM_WORLD, MPI_STATUS_IGNORE),
          "MPI_Recv");
    if (!asked[static_cast<std::size_t>(status.MPI_SOURCE)]) {
      asked[static_cast<std::size_t>(status.MPI_SOURCE)] = true;
      --not_yet_asked;
    }
    std::int64_t finished = kNone;
    if (buf.size() < sizeof finished) throw std::runtime_error("MPI: malformed request from a worker rank");
    std::memcpy(&finished, buf.data(), sizeof finished);
    if (finished != kNone) {
      if (finished < 0 || static_cast<std::size_t>(finished) >= runs.size()) {
        throw std::runtime_error("MPI: a worker rank reported an unknown run");
      }
      progress.finished(static_cast<std::size_t>(finished), std::string(buf.begin() + sizeof finished, buf.end()));
    }
    const std::int64_t assigned = take();
    check(MPI_Send(&assigned, 1, MPI_INT64_T, status.MPI_SOURCE, kTagWork, MPI_COMM_WORLD), "MPI_Send");
    if (assigned == kNone) {
      --active;
    } else {
      ++runs_per_rank[static_cast<std::size_t>(status.MPI_SOURCE)];
    }
  }
  if (!local.joinable()) local = std::jthread(local_work);  // every other rank was done before it began
  local.join();
  runs_per_rank[0] = local_runs;
  return progress.finish();
}

}  // namespace

bool mpi_built_in() { return true; }

MpiSweepResult run_sweep_mpi(const SweepSpec& spec, const std::vector<PlannedRun>& runs, const SweepOptions& options,
                             const RunFunction& run_one, std::ostream& progress_out) {
  MpiSession mpi;
  MpiSweepResult result;
  result.root = mpi.rank == 0;
  try {
    if (result.root) {
      result.report = coordinate(mpi.size, spec, runs, options, run_one, progress_out, result.runs_per_rank);
    } else {
      work_for_root(options, runs, run_one);
    }
  } catch (const std::exception& e) {
    // One rank failing alone would leave the others waiting for ever.
    std::fprintf(stderr, "clocksim sweep --mpi: rank %d: %s\n", mpi.rank, e.what());
    MPI_Abort(MPI_COMM_WORLD, 1);
  }
  return result;
}

}  // namespace clocksim::sweep
