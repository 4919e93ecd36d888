# The identity of the code a build runs: a hash of every source that can change what it does (for
# the simulator: the algorithms, config reading, the node stack, the engine) together with the
# compiler, its flags and the versions of the libraries whose draws and parsing show in outputs.
# A sweep records the simulator's (sim/sweep/sweep_record.hpp) so that runs made by two different
# builds never end up in one sweep.csv; the command line and the Python module of one build share
# it, and a change to docs or tests leaves it alone. Computed at build time, so that an edit is
# seen without reconfiguring: the generated source changes only when the hash does. It defines
# NAMESPACE::release_version() and NAMESPACE::code_identity(), declared in HEADER.
function(clocksim_code_identity)
  cmake_parse_arguments(ARG "" "OUTPUT;HEADER;NAMESPACE;VERSION;BUILD_TEXT" "SOURCES" ${ARGN})
  set(sources ${ARG_SOURCES})
  list(SORT sources)
  get_filename_component(stem ${ARG_OUTPUT} NAME_WE)
  set(list_file ${CMAKE_CURRENT_BINARY_DIR}/generated/${stem}_sources.txt)
  set(build_file ${CMAKE_CURRENT_BINARY_DIR}/generated/${stem}_build.txt)
  # One source a line, relative to the project, so that the same tree checked out elsewhere
  # hashes the same.
  set(lines "")
  foreach(source IN LISTS sources)
    file(RELATIVE_PATH relative ${PROJECT_SOURCE_DIR} ${source})
    string(APPEND lines "${relative}\n")
  endforeach()
  file(GENERATE OUTPUT ${list_file} CONTENT "${lines}")
  file(GENERATE OUTPUT ${build_file} CONTENT "${ARG_BUILD_TEXT}\n")
  add_custom_command(
    OUTPUT ${ARG_OUTPUT}
    COMMAND ${CMAKE_COMMAND} -DSOURCE_DIR=${PROJECT_SOURCE_DIR} -DLIST_FILE=${list_file}
            -DBUILD_FILE=${build_file} -DHEADER=${ARG_HEADER} -DNAMESPACE=${ARG_NAMESPACE}
            -DVERSION=${ARG_VERSION} -DOUTPUT=${ARG_OUTPUT} -P ${PROJECT_SOURCE_DIR}/cmake/code_identity_write.cmake
    DEPENDS ${sources} ${list_file} ${build_file}
            ${PROJECT_SOURCE_DIR}/cmake/code_identity_write.cmake
    COMMENT "Hashing the sources of ${ARG_NAMESPACE}::code_identity()"
    VERBATIM)
endfunction()
