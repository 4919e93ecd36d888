// A sweep spread over MPI ranks (`mpirun -np K clocksim sweep FILE --out DIR --mpi`), for sweeps
// larger than one machine. Every rank runs one simulation at a time; rank 0 also hands out the
// runs, one at a time in matrix order, to whichever rank asks next (dynamic load balance: a rank
// that drew short runs asks more often), and writes sweep.csv. The output folder must be one
// file system shared by all ranks, as on any batch cluster; each run's files are exactly those
// of the threaded sweep, since the same function writes them.
#pragma once

#include <iosfwd>
#include <vector>

#include "sim/sweep/sweep_runner.hpp"

namespace clocksim::sweep {

// Whether this binary was built with MPI (CMake found Open MPI).
bool mpi_built_in();

struct MpiSweepResult {
  bool root = false;   // rank 0: `report` is the sweep's; other ranks only worked
  SweepReport report;
  std::vector<std::size_t> runs_per_rank;  // rank 0: how many runs each rank did now
};

// Initialises MPI, runs the sweep across the ranks of MPI_COMM_WORLD, finalises MPI. Throws
// std::runtime_error when MPI is not built in or fails to start.
MpiSweepResult run_sweep_mpi(const SweepSpec& spec, const std::vector<PlannedRun>& runs, const SweepOptions& options,
                             const RunFunction& run_one, std::ostream& progress_out);

}  // namespace clocksim::sweep
