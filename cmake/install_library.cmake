# `cmake --install` of clocksim as a library, for outside CMake projects:
#   find_package(clocksim 0.1 REQUIRED)
#   target_link_libraries(my_tool PRIVATE clocksim::sim)   # engine + scenario loader (+ algorithms)
#   target_link_libraries(my_algo PRIVATE clocksim::algorithms)  # the sans-IO algorithms and core
#   target_link_libraries(my_host PRIVATE clocksim::node)  # wire format, node loop, virtual clock
# Component clocksim_dev (`cmake --install build --component clocksim_dev`); clocksyncd's files are
# component clocksyncd (daemon/dist). Headers go to <prefix>/include/clocksim/{algorithms,config,node,sim}/..., so that the includes read the same
# inside and outside the tree ("algorithms/core/time.hpp").
include(CMakePackageConfigHelpers)
set(CLOCKSIM_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/clocksim)

install(TARGETS clocksim_algorithms clocksim_config clocksim_node clocksim_sim clocksim_warnings EXPORT clocksimTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT clocksim_dev)
foreach(dir algorithms config node sim)
  install(DIRECTORY ${PROJECT_SOURCE_DIR}/${dir}/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/clocksim/${dir}
          COMPONENT clocksim_dev FILES_MATCHING PATTERN "*.hpp")
endforeach()
install(EXPORT clocksimTargets NAMESPACE clocksim:: DESTINATION ${CLOCKSIM_CMAKE_DIR} COMPONENT clocksim_dev)
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/clocksimConfig.cmake.in
  ${PROJECT_BINARY_DIR}/clocksimConfig.cmake INSTALL_DESTINATION ${CLOCKSIM_CMAKE_DIR})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/clocksimConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/clocksimConfig.cmake ${PROJECT_BINARY_DIR}/clocksimConfigVersion.cmake
        DESTINATION ${CLOCKSIM_CMAKE_DIR} COMPONENT clocksim_dev)
# Unprefixed names inside the export, prefixed outside: clocksim::sim, clocksim::algorithms.
set_target_properties(clocksim_algorithms PROPERTIES EXPORT_NAME algorithms)
set_target_properties(clocksim_sim PROPERTIES EXPORT_NAME sim)
set_target_properties(clocksim_node PROPERTIES EXPORT_NAME node)
set_target_properties(clocksim_config PROPERTIES EXPORT_NAME config)
set_target_properties(clocksim_warnings PROPERTIES EXPORT_NAME warnings)
