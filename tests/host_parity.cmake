# One scenario, two hosts: every shipped scenario runs with `host: algorithm` (the world carries
# out the algorithm's effects) and with `host: daemon` (every node is clocksyncd's node loop:
# encoded, authenticated datagrams, freshness epochs and replay windows, timers through the loop),
# with the same seed, and the two runs must agree on every expectation and write the same
# events.csv, events.log, trace.csv and skew.csv byte for byte (parity/host_parity_check.cmake;
# docs/architecture.md says why they can). Label "parity".
#
# Scenarios compared on their expectations only, each for a stated reason:
#   standby              n0 restarts at 120 s with a new epoch, which its peers learn only from
#                        the hello exchange (node/wire/freshness.hpp), as with clocksyncd: their
#                        first messages to it are dropped as stale and answered with hellos (one
#                        more round trip, and the hellos draw link latencies), where host:
#                        algorithm delivers them at once. Everything before 120 s is identical.
#   ring-failover        likewise: the old master n7 restarts at 120 s and listens; the new
#                        master's next heartbeat, addressed to n7's old epoch, is dropped and
#                        answered with a hello, so n7 follows one heartbeat (1 s) later. Compared
#                        byte for byte without the restart below.
# Scenarios not run both ways, each for a stated reason:
#   berkeley-high-drift  its ±10 % drift makes the master's own corrections exceed 1 s, which
#                        the daemon's clock guard refuses (master_max_adjust), as clocksyncd
#                        does in production
#   ntp-strata           the simulated node loop is not yet given the scenario's reference clocks
#   berkeley-textbook    n2 starts 25 min off and its master is its one source: clocksyncd's guard
#                        lets no lone source step a clock beyond the panic threshold at start-up
#                        (limits.startup_quorum 2, docs/daemon.md), so the daemon host leaves n2
#                        where it started, as clocksyncd would, where timed's slave obeys
set(CLOCKSIM_PARITY_OPEN berkeley-high-drift ntp-strata berkeley-textbook)
set(CLOCKSIM_PARITY_EXPECTATIONS_ONLY standby ring-failover)
file(GLOB CLOCKSIM_PARITY_SCENARIOS CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/scenarios/*.yaml)
foreach(file ${CLOCKSIM_PARITY_SCENARIOS})
  get_filename_component(name ${file} NAME_WE)
  if(name IN_LIST CLOCKSIM_PARITY_OPEN)
    continue()
  endif()
  set(bytes ON)
  if(name IN_LIST CLOCKSIM_PARITY_EXPECTATIONS_ONLY)
    set(bytes OFF)
  endif()
  add_test(NAME host_parity.${name}
           COMMAND ${CMAKE_COMMAND} -DCLOCKSIM=$<TARGET_FILE:clocksim> -DSCENARIO=${file} -DBYTES=${bytes}
                   -DOUT=${PROJECT_BINARY_DIR}/host-parity/${name}
                   -P ${CMAKE_CURRENT_SOURCE_DIR}/parity/host_parity_check.cmake)
  set_tests_properties(host_parity.${name} PROPERTIES LABELS parity TIMEOUT 600)
endforeach()
# The adversary of the replay window: 100 nodes and latencies from 1 ms to 3 s reorder datagrams
# heavily; a legitimate datagram overtaken by later ones must still be accepted. Without the old
# master's restart: a restarted node loop first learns its peers' epochs by hellos, which takes
# up to two 3 s trips here, so the daemon host's rejoin is later by design (as for standby).
add_test(NAME host_parity.failover-100-nodes-reordered
         COMMAND ${CMAKE_COMMAND} -DCLOCKSIM=$<TARGET_FILE:clocksim> -DSCENARIO=${PROJECT_SOURCE_DIR}/scenarios/failover.yaml
                 "-DEXTRA=--set;nodes=100;--set;links.latency=uniform(1ms, 3s);--set;faults=[{at: 60s, crash: master}]"
                 -DOUT=${PROJECT_BINARY_DIR}/host-parity/failover-100-nodes-reordered
                 -P ${CMAKE_CURRENT_SOURCE_DIR}/parity/host_parity_check.cmake)
set_tests_properties(host_parity.failover-100-nodes-reordered PROPERTIES LABELS parity TIMEOUT 600)
# Crashes with restarts, graceful stops (LEAVE hand-overs), partitions and heals under seeds
# 1..20, byte for byte: the elections through the node loop agree with the bare algorithms for
# every seed. standby (a restart the peers learn of by hellos) on its expectations. The asan
# preset runs seeds 1..4: the sanitizers look for memory errors on these paths, which the first
# seeds already take, and the ci preset checks the agreement on all twenty.
set(CLOCKSIM_PARITY_SEEDS 20 CACHE STRING "Seeds 1..N of the host_parity.*-seeds tests")
set(_seeds ${CLOCKSIM_PARITY_SEEDS})
foreach(name failover graceful-handover partition-heal bully-failover ring-failover standby)
  set(bytes ON)
  if(name IN_LIST CLOCKSIM_PARITY_EXPECTATIONS_ONLY)
    set(bytes OFF)
  endif()
  add_test(NAME host_parity.${name}-seeds-1-${_seeds}
           COMMAND ${CMAKE_COMMAND} -DCLOCKSIM=$<TARGET_FILE:clocksim> -DSCENARIO=${PROJECT_SOURCE_DIR}/scenarios/${name}.yaml
                   -DSEEDS=${_seeds} -DBYTES=${bytes} -DOUT=${PROJECT_BINARY_DIR}/host-parity/${name}-seeds
                   -P ${CMAKE_CURRENT_SOURCE_DIR}/parity/host_parity_check.cmake)
  set_tests_properties(host_parity.${name}-seeds-1-${_seeds} PROPERTIES LABELS parity TIMEOUT 600)
endforeach()
# The ring's crash, detection, skipped hop and election through the node loop, byte for byte:
# ring-failover without its restart (see CLOCKSIM_PARITY_EXPECTATIONS_ONLY).
add_test(NAME host_parity.ring-failover-no-restart-seeds-1-${_seeds}
         COMMAND ${CMAKE_COMMAND} -DCLOCKSIM=$<TARGET_FILE:clocksim> -DSCENARIO=${PROJECT_SOURCE_DIR}/scenarios/ring-failover.yaml
                 "-DEXTRA=--set;faults=[{at: 60s, crash: master}]"
                 -DSEEDS=${_seeds} -DBYTES=ON -DOUT=${PROJECT_BINARY_DIR}/host-parity/ring-failover-no-restart-seeds
                 -P ${CMAKE_CURRENT_SOURCE_DIR}/parity/host_parity_check.cmake)
set_tests_properties(host_parity.ring-failover-no-restart-seeds-1-${_seeds} PROPERTIES LABELS parity TIMEOUT 600)
