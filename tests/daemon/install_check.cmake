# Installs into a staging DESTDIR and checks that every file a system needs is there and the
# unit carries the hardening it promises.
file(REMOVE_RECURSE ${STAGE})
execute_process(COMMAND ${CMAKE_COMMAND} -E env DESTDIR=${STAGE} ${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix /usr
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "cmake --install failed: ${err}")
endif()
foreach(f usr/sbin/clocksyncd usr/bin/clocksyncctl lib/systemd/system/clocksyncd.service
          etc/clocksyncd/clocksyncd.yaml usr/share/doc/clocksim/daemon.md)
  if(NOT EXISTS ${STAGE}/${f})
    message(FATAL_ERROR "not installed: /${f}")
  endif()
endforeach()
file(READ ${STAGE}/lib/systemd/system/clocksyncd.service unit)
foreach(line "CapabilityBoundingSet=CAP_SYS_TIME" "ProtectSystem=strict" "NoNewPrivileges=yes" "User=clocksyncd"
             "RuntimeDirectory=clocksyncd" "ProtectHome=yes" "PrivateDevices=yes" "SystemCallFilter=")
  string(FIND "${unit}" "${line}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "clocksyncd.service lacks ${line}")
  endif()
endforeach()
message(STATUS "installed and checked under ${STAGE}")
