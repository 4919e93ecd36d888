# `clocksim sweep` end to end: run folders byte-identical to `clocksim run --set ...` alone with
# --jobs 1 and --jobs 2, and resume (tests/sim/cli/sweep_identity_check.py). Label "sweep".
if(TARGET clocksim AND EXISTS ${PROJECT_SOURCE_DIR}/sim/cli/sweep_command.cpp)
  set(CLOCKSIM_PYTHON3 /usr/bin/python3 CACHE FILEPATH "python3 with Debian's python3-* packages")
  add_test(NAME sweep.identical_to_run
    COMMAND ${CLOCKSIM_PYTHON3} ${CMAKE_CURRENT_SOURCE_DIR}/sim/cli/sweep_identity_check.py
      $<TARGET_FILE:clocksim> ${PROJECT_SOURCE_DIR} ${CMAKE_CURRENT_BINARY_DIR}/sweep-identity)
  set_tests_properties(sweep.identical_to_run PROPERTIES LABELS sweep TIMEOUT 600)
endif()
