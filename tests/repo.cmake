# The repository's own hygiene (label "unit", fast). Each check script runs over the tree and
# again with --self-test, which shows against texts with known faults that it can fail.
set(CLOCKSIM_PYTHON3 /usr/bin/python3 CACHE FILEPATH "python3 with Debian's python3-* packages")
function(clocksim_repo_check name script)
  add_test(NAME repo.${name} COMMAND ${CLOCKSIM_PYTHON3} ${CMAKE_CURRENT_SOURCE_DIR}/repo/${script} ${PROJECT_SOURCE_DIR})
  add_test(NAME repo.${name}_self_test COMMAND ${CLOCKSIM_PYTHON3} ${CMAKE_CURRENT_SOURCE_DIR}/repo/${script} --self-test)
  set_tests_properties(repo.${name} repo.${name}_self_test PROPERTIES LABELS unit TIMEOUT 60
    ENVIRONMENT "PYTHONDONTWRITEBYTECODE=1")
endfunction()
# Comments name only paths that exist and cite no issue numbers (tests/repo/comment_refs_check.py).
clocksim_repo_check(comment_refs comment_refs_check.py)
# Commands in the docs name build trees that exist: build/<preset>/ mirroring the source tree
# (tests/repo/build_paths_check.py), so that a command copied from a document runs.
clocksim_repo_check(build_paths build_paths_check.py)
# Code that runs embedded (the Python module, the C++ library) formats and reads numbers without
# the process's locale (tests/repo/locale_free_numbers_check.py).
clocksim_repo_check(locale_free_numbers locale_free_numbers_check.py)
# The build's code identity (cmake/code_identity_write.cmake), which a sweep records so that no
# other build resumes it, follows the sources' content and the build, not paths or timestamps.
add_test(NAME repo.code_identity
  COMMAND ${CMAKE_COMMAND} -DWRITER=${PROJECT_SOURCE_DIR}/cmake/code_identity_write.cmake
          -DWORK=${CMAKE_CURRENT_BINARY_DIR}/code_identity_test -P ${CMAKE_CURRENT_SOURCE_DIR}/cmake/code_identity_test.cmake)
set_tests_properties(repo.code_identity PROPERTIES LABELS unit TIMEOUT 60)
