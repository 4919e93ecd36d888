# The identity of the simulation code a build runs: a hash of every source that can change what a
# run writes (the algorithms, config reading, the node stack, the engine) together with the
# compiler, its flags and the versions of the libraries whose draws and parsing show in outputs.
# A sweep records it (sim/sweep/sweep_record.hpp) so that runs made by two different builds never
# end up in one sweep.csv; the command line and the Python module of one build share it, and a
# change to docs or tests leaves it alone. Computed at build time, so that an edit is seen without
# reconfiguring: the generated source changes only when the hash does.
function(clocksim_code_identity)
  cmake_parse_arguments(ARG "" "OUTPUT;VERSION;BUILD_TEXT" "SOURCES" ${ARGN})
  set(sources ${ARG_SOURCES})
  list(SORT sources)
  set(list_file ${CMAKE_CURRENT_BINARY_DIR}/generated/code_identity_sources.txt)
  # One source a line, relative to the project, so that the same tree checked out elsewhere
  # hashes the same.
  set(lines "")
  foreach(source IN LISTS sources)
    file(RELATIVE_PATH relative ${PROJECT_SOURCE_DIR} ${source})
    string(APPEND lines "${relative}\n")
  endforeach()
  file(GENERATE OUTPUT ${list_file} CONTENT "${lines}")
  file(GENERATE OUTPUT ${CMAKE_CURRENT_BINARY_DIR}/generated/code_identity_build.txt CONTENT "${ARG_BUILD_TEXT}\n")
  add_custom_command(
    OUTPUT ${ARG_OUTPUT}
    COMMAND ${CMAKE_COMMAND} -DSOURCE_DIR=${PROJECT_SOURCE_DIR} -DLIST_FILE=${list_file}
            -DBUILD_FILE=${CMAKE_CURRENT_BINARY_DIR}/generated/code_identity_build.txt
            -DVERSION=${ARG_VERSION} -DOUTPUT=${ARG_OUTPUT} -P ${PROJECT_SOURCE_DIR}/cmake/code_identity_write.cmake
    DEPENDS ${sources} ${list_file} ${CMAKE_CURRENT_BINARY_DIR}/generated/code_identity_build.txt
            ${PROJECT_SOURCE_DIR}/cmake/code_identity_write.cmake
    COMMENT "Hashing the simulation code's sources"
    VERBATIM)
endfunction()
