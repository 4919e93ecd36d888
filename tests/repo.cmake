# The repository's own hygiene (label "unit", fast): comments name only paths that exist and cite
# no issue numbers (tests/repo/comment_refs_check.py); the check's self-test shows it can fail.
set(CLOCKSIM_PYTHON3 /usr/bin/python3 CACHE FILEPATH "python3 with Debian's python3-* packages")
add_test(NAME repo.comment_refs
  COMMAND ${CLOCKSIM_PYTHON3} ${CMAKE_CURRENT_SOURCE_DIR}/repo/comment_refs_check.py ${PROJECT_SOURCE_DIR})
add_test(NAME repo.comment_refs_self_test
  COMMAND ${CLOCKSIM_PYTHON3} ${CMAKE_CURRENT_SOURCE_DIR}/repo/comment_refs_check.py --self-test)
set_tests_properties(repo.comment_refs repo.comment_refs_self_test PROPERTIES LABELS unit TIMEOUT 60
  ENVIRONMENT "PYTHONDONTWRITEBYTECODE=1")
# Commands in the docs name build trees that exist: build/<preset>/ mirroring the source tree
# (tests/repo/build_paths_check.py), so that a command copied from a document runs.
add_test(NAME repo.build_paths
  COMMAND ${CLOCKSIM_PYTHON3} ${CMAKE_CURRENT_SOURCE_DIR}/repo/build_paths_check.py ${PROJECT_SOURCE_DIR})
add_test(NAME repo.build_paths_self_test
  COMMAND ${CLOCKSIM_PYTHON3} ${CMAKE_CURRENT_SOURCE_DIR}/repo/build_paths_check.py --self-test)
set_tests_properties(repo.build_paths repo.build_paths_self_test PROPERTIES LABELS unit TIMEOUT 60
  ENVIRONMENT "PYTHONDONTWRITEBYTECODE=1")
# The build's code identity (cmake/code_identity_write.cmake), which a sweep records so that no
# other build resumes it, follows the sources' content and the build, not paths or timestamps.
add_test(NAME repo.code_identity
  COMMAND ${CMAKE_COMMAND} -DWRITER=${PROJECT_SOURCE_DIR}/cmake/code_identity_write.cmake
          -DWORK=${CMAKE_CURRENT_BINARY_DIR}/code_identity_test -P ${CMAKE_CURRENT_SOURCE_DIR}/cmake/code_identity_test.cmake)
set_tests_properties(repo.code_identity PROPERTIES LABELS unit TIMEOUT 60)
# Code that runs embedded (the Python module, the C++ library) formats and reads numbers without
# the process's locale (tests/repo/locale_free_numbers_check.py); the self-test shows it can fail.
add_test(NAME repo.locale_free_numbers
  COMMAND ${CLOCKSIM_PYTHON3} ${CMAKE_CURRENT_SOURCE_DIR}/repo/locale_free_numbers_check.py ${PROJECT_SOURCE_DIR})
add_test(NAME repo.locale_free_numbers_self_test
  COMMAND ${CLOCKSIM_PYTHON3} ${CMAKE_CURRENT_SOURCE_DIR}/repo/locale_free_numbers_check.py --self-test)
set_tests_properties(repo.locale_free_numbers repo.locale_free_numbers_self_test PROPERTIES LABELS unit TIMEOUT 60
  ENVIRONMENT "PYTHONDONTWRITEBYTECODE=1")
