# Every scenario under scenarios/ (not sweeps/) is a regression test: `clocksim run` must pass
# its own `expect:` block (exit 0). A user adds a test by adding a YAML file; no C++ needed.
# Label "scenario"; scenarios whose name starts with "long-" get the label "long" instead, for
# runs too slow for every CI pass.
file(GLOB CLOCKSIM_SCENARIO_FILES CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/scenarios/*.yaml)
foreach(file ${CLOCKSIM_SCENARIO_FILES})
  get_filename_component(name ${file} NAME_WE)
  set(label scenario)
  if(name MATCHES "^long-")
    set(label long)
  endif()
  add_test(NAME scenario.${name}
           COMMAND clocksim run ${file} --quiet --out ${PROJECT_BINARY_DIR}/scenario-out/${name})
  set_tests_properties(scenario.${name} PROPERTIES LABELS ${label} TIMEOUT 600)
endforeach()
add_test(NAME scenario.validate-all COMMAND clocksim validate ${CLOCKSIM_SCENARIO_FILES})
set_tests_properties(scenario.validate-all PROPERTIES LABELS scenario)
