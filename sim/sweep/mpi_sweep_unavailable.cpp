// Linked instead of mpi_sweep.cpp when CMake found no MPI: --mpi then says what to install.
#include <stdexcept>

#include "sim/sweep/mpi_sweep.hpp"

namespace clocksim::sweep {

bool mpi_built_in() { return false; }

MpiSweepResult run_sweep_mpi(const SweepSpec&, const std::vector<PlannedRun>&, const SweepOptions&,
                             const RunFunction&, std::ostream&) {
  throw std::runtime_error(
      "this clocksim was built without MPI: install Open MPI (Debian: apt-get install openmpi-bin "
      "libopenmpi-dev; scripts/install-deps.sh does) and rebuild");
}

}  // namespace clocksim::sweep
