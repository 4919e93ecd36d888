# docs/scenario.schema.json against real files (python3-jsonschema, python3-yaml): every shipped
# scenario and tests/sim/scenario/good/*.yaml validates; bad files marked '# schema-rejects' do not.
# Fails naming the packages when they are missing.
add_test(NAME scenario.schema_check
  COMMAND /usr/bin/python3 ${CMAKE_CURRENT_SOURCE_DIR}/sim/scenario/schema_check.py ${PROJECT_SOURCE_DIR})
set_tests_properties(scenario.schema_check PROPERTIES LABELS python TIMEOUT 120
  ENVIRONMENT PYTHONDONTWRITEBYTECODE=1)
