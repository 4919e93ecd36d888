# Installing clocksyncd: `cmake --install build/ci --prefix /usr` (binaries, systemd unit, the
# example config under /etc/clocksyncd) and a Debian package with `cpack -G DEB` in the build tree.
include(GNUInstallDirs)
install(TARGETS clocksyncd RUNTIME DESTINATION ${CMAKE_INSTALL_SBINDIR} COMPONENT clocksyncd)
install(TARGETS clocksyncctl RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT clocksyncd)
# Absolute on purpose: a unit and a config file belong to the system, whatever the prefix.
install(FILES ${CMAKE_CURRENT_LIST_DIR}/clocksyncd.service DESTINATION /lib/systemd/system COMPONENT clocksyncd)
install(FILES ${CMAKE_CURRENT_LIST_DIR}/clocksyncd.yaml DESTINATION /etc/clocksyncd
        PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ COMPONENT clocksyncd)
install(FILES ${PROJECT_SOURCE_DIR}/docs/daemon.md DESTINATION ${CMAKE_INSTALL_DOCDIR} COMPONENT clocksyncd)

set(CPACK_PACKAGE_NAME clocksyncd)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "clocksim maintainers <clocksim@example.org>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "clock synchronization daemon running clocksim's Berkeley/TSP algorithms over UDP")
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_COMPONENTS_ALL clocksyncd)
set(CPACK_DEB_COMPONENT_INSTALL OFF)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA "${CMAKE_CURRENT_LIST_DIR}/postinst;${CMAKE_CURRENT_BINARY_DIR}/conffiles")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
file(WRITE ${CMAKE_CURRENT_BINARY_DIR}/conffiles "/etc/clocksyncd/clocksyncd.yaml\n")
set(CPACK_WARN_ON_ABSOLUTE_INSTALL_DESTINATION OFF)
include(CPack)
