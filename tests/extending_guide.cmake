# docs/extending.md step 5 end to end (label "python": it plots with matplotlib): the example
# algorithm against Berkeley on the same ring, then analysis/plot_sweep.py, and the guide's table.
if(TARGET clocksim)
  set(CLOCKSIM_PYTHON3 /usr/bin/python3 CACHE FILEPATH "python3 with Debian's python3-* packages")
  add_test(NAME extending.compare_with_berkeley
    COMMAND ${CLOCKSIM_PYTHON3} ${CMAKE_CURRENT_SOURCE_DIR}/docs/extending_guide_check.py
      $<TARGET_FILE:clocksim> ${PROJECT_SOURCE_DIR} ${CMAKE_CURRENT_BINARY_DIR}/extending-compare)
  set_tests_properties(extending.compare_with_berkeley PROPERTIES LABELS "python;scenario" TIMEOUT 300
    ENVIRONMENT "PYTHONDONTWRITEBYTECODE=1;MPLBACKEND=Agg")
endif()
# docs/analysis.md recipe 1: the table of measured skews is what asymmetry-vs-period.yaml measures.
if(TARGET clocksim)
  add_test(NAME analysis.recipe_table
    COMMAND ${CLOCKSIM_PYTHON3} ${CMAKE_CURRENT_SOURCE_DIR}/docs/analysis_recipe_check.py
      $<TARGET_FILE:clocksim> ${PROJECT_SOURCE_DIR} ${CMAKE_CURRENT_BINARY_DIR}/analysis-recipe)
  set_tests_properties(analysis.recipe_table PROPERTIES LABELS "scenario" TIMEOUT 300
    ENVIRONMENT "PYTHONDONTWRITEBYTECODE=1")
endif()
