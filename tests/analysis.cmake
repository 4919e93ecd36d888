# pytest suites for analysis/ (the plotting and report scripts), run by Debian's python3 — the
# interpreter that sees python3-matplotlib/-numpy/-pandas/-pytest. Each test file is one CTest
# test (label "python"); the headless-Chromium check of report.html has its own label "browser".
# The suites that run the clocksim binary have the label "python_binary" instead (`ctest -L
# python` still selects them): the asan preset runs those against the sanitized binary and leaves
# the pure-Python ones, which no sanitizer sees, to the ci preset.
# A missing prerequisite makes the test fail and name the Debian package to install.
set(CLOCKSIM_PYTHON3 /usr/bin/python3 CACHE FILEPATH "python3 with Debian's python3-* packages")
set(_analysis_dir ${CMAKE_CURRENT_SOURCE_DIR}/analysis)
set(_analysis_env PYTHONDONTWRITEBYTECODE=1 MPLBACKEND=Agg)
# Lets test_real_run.py render from a real small `clocksim run`.
list(APPEND _analysis_env CLOCKSIM_BINARY=$<TARGET_FILE:clocksim>)

file(MAKE_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR}/analysis-tmp)
foreach(_suite clocksim_io plot_offsets plot_sweep plot_spacetime plot_ordering plot_sequence plot_links events compare report no_node_up
               user_errors real_run report_browser damaged_outputs)
  set(_needs "")
  set(_label python)
  if(_suite STREQUAL "report_browser")
    set(_needs --needs-chromium)
    set(_label browser)
  elseif(_suite STREQUAL "real_run" OR _suite STREQUAL "compare" OR _suite STREQUAL "no_node_up")
    set(_needs --needs-binary)
    set(_label python_binary)
  endif()
  add_test(NAME analysis.${_suite}
    COMMAND ${CLOCKSIM_PYTHON3} ${_analysis_dir}/run_pytest.py ${_needs} --
      ${_analysis_dir}/test_${_suite}.py
      --basetemp=${CMAKE_CURRENT_BINARY_DIR}/analysis-tmp/${_suite}
    WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
  set_tests_properties(analysis.${_suite} PROPERTIES
    LABELS ${_label} TIMEOUT 300 ENVIRONMENT "${_analysis_env}")
endforeach()

# A smoke run of bench/analysis_trace.py at tiny size so the benchmark cannot rot; no timing.
add_test(NAME analysis.bench_smoke
  COMMAND ${CLOCKSIM_PYTHON3} ${PROJECT_SOURCE_DIR}/bench/analysis_trace.py --nodes 4 --ticks 300)
set_tests_properties(analysis.bench_smoke PROPERTIES LABELS bench TIMEOUT 300
  ENVIRONMENT "PYTHONDONTWRITEBYTECODE=1;MPLBACKEND=Agg")
