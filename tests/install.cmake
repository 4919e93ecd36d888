# install.find_package: `cmake --install` into a scratch prefix, then configure and build a tiny
# outside project (tests/install/outside_project) against it with find_package(clocksim) and run
# it. Label "install" (not under the asan preset: the outside project is built without the
# sanitizer runtime that the installed libraries would then need).
set(CLOCKSIM_INSTALL_PREFIX ${CMAKE_CURRENT_BINARY_DIR}/install-prefix)
set(CLOCKSIM_OUTSIDE_BUILD ${CMAKE_CURRENT_BINARY_DIR}/outside-build)
add_test(NAME install.find_package
  COMMAND ${CMAKE_COMMAND}
    -DPREFIX=${CLOCKSIM_INSTALL_PREFIX} -DBUILD_DIR=${PROJECT_BINARY_DIR}
    -DOUTSIDE_SOURCE=${CMAKE_CURRENT_SOURCE_DIR}/install/outside_project -DOUTSIDE_BUILD=${CLOCKSIM_OUTSIDE_BUILD}
    -DGENERATOR=${CMAKE_GENERATOR}
    -P ${CMAKE_CURRENT_SOURCE_DIR}/install/check_find_package.cmake)
set_tests_properties(install.find_package PROPERTIES LABELS install TIMEOUT 600)
