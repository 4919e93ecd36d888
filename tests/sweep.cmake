# `clocksim sweep` end to end (label "sweep"):
# - sweep.identical_to_run: run folders byte-identical to `clocksim run --set ...` alone with
#   --jobs 1 and --jobs 2, and resume (tests/sim/cli/sweep_identity_check.py);
# - sweep.dry_run.<name>: every sweep file under scenarios/sweeps/ loads and every combination it
#   makes validates (--dry-run runs nothing);
# - sweep.shard_merge, sweep.mpi and sweep.ways_fuzz: the same bytes split, spread or stopped.
set(CLOCKSIM_PYTHON3 /usr/bin/python3 CACHE FILEPATH "python3 with Debian's python3-* packages")
add_test(NAME sweep.identical_to_run
  COMMAND ${CLOCKSIM_PYTHON3} ${CMAKE_CURRENT_SOURCE_DIR}/sim/cli/sweep_identity_check.py
    $<TARGET_FILE:clocksim> ${PROJECT_SOURCE_DIR} ${CMAKE_CURRENT_BINARY_DIR}/sweep-identity)
set_tests_properties(sweep.identical_to_run PROPERTIES LABELS sweep TIMEOUT 600)

add_test(NAME sweep.shard_merge
  COMMAND ${CLOCKSIM_PYTHON3} ${CMAKE_CURRENT_SOURCE_DIR}/sim/cli/sweep_distributed_check.py shard
    $<TARGET_FILE:clocksim> ${PROJECT_SOURCE_DIR} ${CMAKE_CURRENT_BINARY_DIR}/sweep-shard)
set_tests_properties(sweep.shard_merge PROPERTIES LABELS sweep TIMEOUT 600)

# sweep.mpi: Open MPI is optional for building clocksim but not for its tests; without it this
# test fails and names the packages (no silent skip).
if(MPIEXEC_EXECUTABLE AND MPI_CXX_FOUND)
  add_test(NAME sweep.mpi
    COMMAND ${CLOCKSIM_PYTHON3} ${CMAKE_CURRENT_SOURCE_DIR}/sim/cli/sweep_distributed_check.py mpi
      $<TARGET_FILE:clocksim> ${PROJECT_SOURCE_DIR} ${CMAKE_CURRENT_BINARY_DIR}/sweep-mpi ${MPIEXEC_EXECUTABLE})
else()
  add_test(NAME sweep.mpi COMMAND ${CMAKE_COMMAND} -E echo
    "sweep.mpi needs Open MPI: apt-get install openmpi-bin libopenmpi-dev (scripts/install-deps.sh), then reconfigure")
  set_tests_properties(sweep.mpi PROPERTIES WILL_FAIL ON)
endif()
set_tests_properties(sweep.mpi PROPERTIES LABELS "sweep;mpi" TIMEOUT 600)

# sweep.ways_fuzz: random sweeps of the shipped scenarios, each run with one and two jobs, in
# shards merged, on two MPI ranks, and stopped by signals then resumed: the same bytes every way
# (tests/property/sweep_ways_fuzz.py). 12 cases in CI, 300 in the long form. Not under the asan
# build (label mpi: Open MPI's own allocations are not instrumented).
set(CLOCKSIM_MPIEXEC_FOR_TESTS "${MPIEXEC_EXECUTABLE}")
if(NOT CLOCKSIM_MPIEXEC_FOR_TESTS)
  set(CLOCKSIM_MPIEXEC_FOR_TESTS mpirun)  # the script fails and names the packages
endif()
add_test(NAME sweep.ways_fuzz
  COMMAND ${CLOCKSIM_PYTHON3} ${CMAKE_CURRENT_SOURCE_DIR}/property/sweep_ways_fuzz.py $<TARGET_FILE:clocksim>
    ${PROJECT_SOURCE_DIR} ${CMAKE_CURRENT_BINARY_DIR}/sweep-ways 0 12 ${CLOCKSIM_MPIEXEC_FOR_TESTS})
set_tests_properties(sweep.ways_fuzz PROPERTIES LABELS "sweep;mpi;property" TIMEOUT 900)
add_test(NAME sweep.ways_fuzz.long
  COMMAND ${CLOCKSIM_PYTHON3} ${CMAKE_CURRENT_SOURCE_DIR}/property/sweep_ways_fuzz.py $<TARGET_FILE:clocksim>
    ${PROJECT_SOURCE_DIR} ${CMAKE_CURRENT_BINARY_DIR}/sweep-ways-long 0 300 ${CLOCKSIM_MPIEXEC_FOR_TESTS})
set_tests_properties(sweep.ways_fuzz.long PROPERTIES LABELS long TIMEOUT 36000)

file(GLOB CLOCKSIM_SWEEP_FILES CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/scenarios/sweeps/*.yaml)
foreach(file ${CLOCKSIM_SWEEP_FILES})
  get_filename_component(name ${file} NAME_WE)
  add_test(NAME sweep.dry_run.${name}
    COMMAND clocksim sweep ${file} --out ${CMAKE_CURRENT_BINARY_DIR}/sweep-dry-run/${name} --dry-run)
  set_tests_properties(sweep.dry_run.${name} PROPERTIES LABELS sweep TIMEOUT 120)
endforeach()
