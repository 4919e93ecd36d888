# Daemon integration tests: real clocksyncd processes on 127.0.0.1 (label "daemon"). They are
# not *_test.cpp files, so they stay out of the daemon_tests unit binary; each test bounds its own
# time and stops every process it started.
if(CLOCKSIM_DAEMON_ITESTS)
  file(GLOB CLOCKSIM_DAEMON_ITESTS CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/daemon/integration/*.cpp)
  add_executable(daemon_integration_tests ${CLOCKSIM_DAEMON_ITESTS})
  clocksim_test_target(daemon_integration_tests)
  target_link_libraries(daemon_integration_tests PRIVATE clocksim_daemon GTest::gtest GTest::gtest_main clocksim_warnings)
  target_compile_definitions(daemon_integration_tests PRIVATE
    CLOCKSIM_SOURCE_DIR="${PROJECT_SOURCE_DIR}" CLOCKSIM_BINARY_DIR="${PROJECT_BINARY_DIR}"
    CLOCKSYNCD_PATH="$<TARGET_FILE:clocksyncd>")
  add_dependencies(daemon_integration_tests clocksyncd clocksyncctl)
  # Under the asan preset too: real daemons under ASan and UBSan, seccomp allow-list and all
  # (it grants UBSan the pipe its vptr check needs in the sanitizer build). LeakSanitizer's
  # exit-time tracer needs ptrace, which the allow-list refuses, so it is off in the daemons:
  set(CLOCKSIM_DAEMON_ITEST_ENV "")
  if(CMAKE_CXX_FLAGS MATCHES "sanitize=address")
    set(CLOCKSIM_DAEMON_ITEST_ENV ENVIRONMENT "ASAN_OPTIONS=detect_leaks=0:abort_on_error=1")
  endif()
  gtest_discover_tests(daemon_integration_tests DISCOVERY_TIMEOUT 60
                       PROPERTIES LABELS daemon TIMEOUT 90 ${CLOCKSIM_DAEMON_ITEST_ENV})
endif()

# `cmake --install` puts the binaries, the hardened systemd unit and the example config where a
# system expects them (staged under a DESTDIR; nothing outside the build tree is touched).
add_test(NAME daemon.install
  COMMAND ${CMAKE_COMMAND} -DBUILD_DIR=${PROJECT_BINARY_DIR} -DSTAGE=${PROJECT_BINARY_DIR}/install-stage
          -P ${CMAKE_CURRENT_SOURCE_DIR}/daemon/install_check.cmake)
set_tests_properties(daemon.install PROPERTIES LABELS daemon TIMEOUT 120)

# A bad config is a user error: clocksyncd names file:line:col and the key, suggests the
# intended key and exits 2 before opening a socket.
add_test(NAME clocksyncd.bad_config_exits_2
  COMMAND sh -c "out=$(\"$0\" --config \"$1\" 2>&1); rc=$?; echo \"$out\"; [ $rc -eq 2 ] && echo \"$out\" | grep -qF \"unknown-key.yaml:4:1: error: at 'clcok': unknown key 'clcok' (did you mean 'clock'?)\""
          $<TARGET_FILE:clocksyncd> ${CMAKE_CURRENT_SOURCE_DIR}/daemon/config/unknown-key.yaml)
set_tests_properties(clocksyncd.bad_config_exits_2 PROPERTIES LABELS unit)

# clocksyncd nodes as deterministic simulations (tests/daemon/sim/sim_cluster.hpp): the daemon's
# protocol and loop behaviour in simulated time, a few seconds in all. Label "daemon_sim", not
# "daemon": no process, socket or sandbox is involved, so the asan preset runs them too.
# *_simtest.cpp, so that the unit binary's *_test.cpp glob leaves them here.
file(GLOB CLOCKSIM_DAEMON_SIMTESTS CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/daemon/sim/*.cpp)
add_executable(daemon_sim_tests ${CLOCKSIM_DAEMON_SIMTESTS})
clocksim_test_target(daemon_sim_tests)
target_link_libraries(daemon_sim_tests PRIVATE clocksim_daemon GTest::gtest GTest::gtest_main clocksim_warnings)
target_compile_definitions(daemon_sim_tests PRIVATE CLOCKSIM_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
gtest_discover_tests(daemon_sim_tests DISCOVERY_TIMEOUT 60 PROPERTIES LABELS daemon_sim TIMEOUT 120)

# clocksyncctl keygen writes every member's keyring or none, and reads ids as the daemon does
# (tests/daemon/cli/keygen_check.py).
clocksim_script_test(daemon.keygen_all_or_none daemon 120 daemon/cli/keygen_check.py
  $<TARGET_FILE:clocksyncctl> ${CMAKE_CURRENT_BINARY_DIR}/daemon-keygen)

# clocksyncd --check-config: the examples would start; broken configs fail located, exit 2
# (tests/daemon/cli/check_config_check.py).
clocksim_script_test(daemon.check_config daemon 120 daemon/cli/check_config_check.py
  $<TARGET_FILE:clocksyncd> $<TARGET_FILE:clocksyncctl> ${PROJECT_SOURCE_DIR}/daemon/examples ${CMAKE_CURRENT_BINARY_DIR}/daemon-check-config)

# Every error clocksyncd and clocksyncctl print is one line that starts with the program's name,
# CLI11's flag errors included, exit 2 (tests/daemon/cli/flag_errors_check.py).
clocksim_script_test(daemon.flag_errors daemon 120 daemon/cli/flag_errors_check.py
  $<TARGET_FILE:clocksyncd> $<TARGET_FILE:clocksyncctl>)

# clocksyncctl status: unreachable nodes, odd peer names and odd answers are reported, never a
# crash (tests/daemon/cli/clocksyncctl_check.py).
clocksim_script_test(daemon.clocksyncctl_status daemon 120 daemon/cli/clocksyncctl_check.py
  $<TARGET_FILE:clocksyncctl> ${CMAKE_CURRENT_BINARY_DIR}/daemon-clocksyncctl)

# A key file someone else could replace (its folder, one above it, where its link leads) stops
# the start with exit 2 (tests/daemon/cli/key_file_start_check.py).
clocksim_script_test(daemon.key_file_start daemon 60 daemon/cli/key_file_start_check.py
  $<TARGET_FILE:clocksyncd> ${CMAKE_CURRENT_BINARY_DIR}/daemon-key-file-start)

# A state file clocksyncd cannot create (a file-size limit, a read-only folder, a full file
# system) stops the start with exit 2 and the reason (tests/daemon/cli/state_file_start_check.py).
clocksim_script_test(daemon.state_file_start daemon 120 daemon/cli/state_file_start_check.py
  $<TARGET_FILE:clocksyncd> ${CMAKE_CURRENT_BINARY_DIR}/daemon-state-file-start)
