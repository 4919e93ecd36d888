# Shipped scenarios with edge values put in, run through `clocksim run`: each ends in a run, an
# expectation failed, or a located error with nothing written; never a crash or a sanitizer report
# (tests/property/scenario_run_fuzz.py). 400 cases in CI (label property; the asan build runs the
# share CLOCKSIM_FUZZ_PERCENT of them), each given 15 s (a slow case is listed, not judged); 5,000
# in the long form.
clocksim_fuzz_cases(_run_fuzz_cases 400)
clocksim_script_test(scenario.run_fuzz property 900 property/scenario_run_fuzz.py
  $<TARGET_FILE:clocksim> ${PROJECT_SOURCE_DIR}/scenarios ${CMAKE_CURRENT_BINARY_DIR}/run-fuzz 0 ${_run_fuzz_cases} --timeout 15)
clocksim_script_test(scenario.run_fuzz.long long 36000 property/scenario_run_fuzz.py
  $<TARGET_FILE:clocksim> ${PROJECT_SOURCE_DIR}/scenarios ${CMAKE_CURRENT_BINARY_DIR}/run-fuzz-long 0 5000 --timeout 120)
