# The clocksim Python module (python/): pytest over tests/python/ with PYTHONPATH at the built
# package (label "python"). Not built under the asan preset: a sanitized extension cannot be
# loaded into an uninstrumented interpreter.
if(CLOCKSIM_BUILD_PYTHON)
  set(CLOCKSIM_PYTHON3 /usr/bin/python3 CACHE FILEPATH "python3 with Debian's python3-* packages")
  if(TARGET _clocksim)
    add_test(NAME python.module
      COMMAND ${CLOCKSIM_PYTHON3} -m pytest -q -p no:cacheprovider ${CMAKE_CURRENT_SOURCE_DIR}/python)
    set_tests_properties(python.module PROPERTIES LABELS python TIMEOUT 600
      ENVIRONMENT "PYTHONPATH=${PROJECT_BINARY_DIR}/python;CLOCKSIM_BINARY=$<TARGET_FILE:clocksim>;CLOCKSIM_SOURCE_DIR=${PROJECT_SOURCE_DIR}")
  else()
    add_test(NAME python.module COMMAND ${CMAKE_COMMAND} -E echo "${CLOCKSIM_PYTHON_MODULE_MISSING}")
    set_tests_properties(python.module PROPERTIES LABELS python WILL_FAIL ON)
  endif()
endif()
