# `clocksim sweep` end to end (label "sweep"):
# - sweep.identical_to_run: run folders byte-identical to `clocksim run --set ...` alone with
#   --jobs 1 and --jobs 2, and resume (tests/sim/cli/sweep_identity_check.py);
# - sweep.dry_run.<name>: every sweep file under scenarios/sweeps/ loads and every combination it
#   makes validates (--dry-run runs nothing).
if(TARGET clocksim AND EXISTS ${PROJECT_SOURCE_DIR}/sim/cli/sweep_command.cpp)
  set(CLOCKSIM_PYTHON3 /usr/bin/python3 CACHE FILEPATH "python3 with Debian's python3-* packages")
  add_test(NAME sweep.identical_to_run
    COMMAND ${CLOCKSIM_PYTHON3} ${CMAKE_CURRENT_SOURCE_DIR}/sim/cli/sweep_identity_check.py
      $<TARGET_FILE:clocksim> ${PROJECT_SOURCE_DIR} ${CMAKE_CURRENT_BINARY_DIR}/sweep-identity)
  set_tests_properties(sweep.identical_to_run PROPERTIES LABELS sweep TIMEOUT 600)

  file(GLOB CLOCKSIM_SWEEP_FILES CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/scenarios/sweeps/*.yaml)
  foreach(file ${CLOCKSIM_SWEEP_FILES})
    get_filename_component(name ${file} NAME_WE)
    add_test(NAME sweep.dry_run.${name}
      COMMAND clocksim sweep ${file} --out ${CMAKE_CURRENT_BINARY_DIR}/sweep-dry-run/${name} --dry-run)
    set_tests_properties(sweep.dry_run.${name} PROPERTIES LABELS sweep TIMEOUT 120)
  endforeach()
endif()
