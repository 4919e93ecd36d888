# cmake -DCLOCKSIM=... -DSCENARIO=... -DOUT=... [-DEXTRA="--set;key=value;..."] [-DSEEDS=N] [-DBYTES=OFF]
#       -P host_parity_check.cmake
# Runs SCENARIO with host=algorithm and host=daemon; with SEEDS=N, for seeds 1..N (--seed), else
# with the scenario's own seed. Both runs must complete and agree on every expect: (the same exit
# code) and, unless BYTES=OFF, write the same events.csv, events.log, trace.csv, skew.csv and logical.csv byte for byte
# (summary.json differs by design: wall time, and the daemon's datagram counters).
if(NOT DEFINED BYTES)
  set(BYTES ON)
endif()
set(seed_args "")
if(DEFINED SEEDS)
  foreach(s RANGE 1 ${SEEDS})
    list(APPEND seed_args ${s})
  endforeach()
else()
  set(seed_args own)
endif()
file(REMOVE_RECURSE ${OUT})
foreach(seed ${seed_args})
  set(seed_flag "")
  if(NOT seed STREQUAL "own")
    set(seed_flag --seed ${seed})
  endif()
  foreach(host algorithm daemon)
    execute_process(COMMAND ${CLOCKSIM} run ${SCENARIO} --quiet ${seed_flag} ${EXTRA} --set host=${host}
                            --out ${OUT}/${seed}/${host}
                    RESULT_VARIABLE rc ERROR_VARIABLE err)
    # Exit 1 means an expect: block failed; the comparison below still says whether the hosts agree.
    if(NOT rc EQUAL 0 AND NOT rc EQUAL 1)
      message(FATAL_ERROR "clocksim run --set host=${host} ${seed_flag} ${SCENARIO} exited ${rc}: ${err}")
    endif()
    set(rc_${host} ${rc})
  endforeach()
  if(NOT rc_algorithm EQUAL rc_daemon)
    message(FATAL_ERROR "seed ${seed}: exit codes differ: host=algorithm ${rc_algorithm}, host=daemon ${rc_daemon}")
  endif()
  if(NOT BYTES)
    continue()
  endif()
  foreach(f events.csv events.log trace.csv skew.csv logical.csv)
    # A scenario may switch a file off (output:); then neither host may write it.
    if(NOT EXISTS ${OUT}/${seed}/algorithm/${f} AND NOT EXISTS ${OUT}/${seed}/daemon/${f})
      continue()
    endif()
    execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files ${OUT}/${seed}/algorithm/${f} ${OUT}/${seed}/daemon/${f}
                    RESULT_VARIABLE same)
    if(NOT same EQUAL 0)
      message(FATAL_ERROR "seed ${seed}: ${f} differs between host=algorithm and host=daemon: see ${OUT}/${seed}")
    endif()
  endforeach()
endforeach()
list(LENGTH seed_args runs)
if(BYTES)
  message(STATUS "host=algorithm and host=daemon agree on events.csv, events.log, trace.csv and skew.csv (${runs} seed(s))")
else()
  message(STATUS "host=algorithm and host=daemon agree on every expectation (${runs} seed(s))")
endif()
