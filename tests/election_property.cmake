# Partition-heal property of every election kind (issue 4): scenarios/partition-heal.yaml over
# 500 seeds per kind, in chunks of 100 so that `ctest -j` runs them in parallel (label
# "property"); the long form runs 5000 seeds per kind (label "long").
if(TARGET clocksim_sim)
  add_executable(election_property ${CMAKE_CURRENT_SOURCE_DIR}/property/partition_heal_property.cpp)
  target_link_libraries(election_property PRIVATE clocksim_sim clocksim_warnings)
  set(_scenario ${PROJECT_SOURCE_DIR}/scenarios/partition-heal.yaml)
  # kind (file = the scenario's TSP block) and its settle bound after the heal, in seconds:
  # TSP: a LOOP period (5 s), QUIT retries (6.2 s), MASTERUP, margin for loss; the heartbeat
  # algorithms: a few heartbeats (1 s) and one election.
  foreach(_case "file:30" "bully:10" "ring:10" "standby:10")
    string(REPLACE ":" ";" _parts ${_case})
    list(GET _parts 0 _kind)
    list(GET _parts 1 _settle)
    set(_name ${_kind})
    if(_kind STREQUAL "file")
      set(_name tsp)
    endif()
    foreach(_chunk RANGE 0 4)
      math(EXPR _first "${_chunk} * 100 + 1")
      add_test(NAME election.partition_heal.${_name}.${_chunk}
               COMMAND election_property ${_scenario} ${_kind} ${_first} 100 ${_settle})
      set_tests_properties(election.partition_heal.${_name}.${_chunk} PROPERTIES LABELS property TIMEOUT 600)
    endforeach()
    add_test(NAME election.partition_heal.${_name}.long
             COMMAND election_property ${_scenario} ${_kind} 1 5000 ${_settle})
    set_tests_properties(election.partition_heal.${_name}.long PROPERTIES LABELS long TIMEOUT 3600)
  endforeach()
endif()

# The failover table of issue 4 (not a test: `build/tests/election_failover_table [SEEDS] [SIZES...]`);
# a 2-seed, 8-node smoke run keeps it from rotting.
add_executable(election_failover_table ${CMAKE_CURRENT_SOURCE_DIR}/property/failover_table.cpp)
target_link_libraries(election_failover_table PRIVATE clocksim_algorithms clocksim_warnings)
target_include_directories(election_failover_table PRIVATE ${PROJECT_SOURCE_DIR})
add_test(NAME election.failover_table_smoke COMMAND election_failover_table 2 8)
set_tests_properties(election.failover_table_smoke PROPERTIES LABELS bench TIMEOUT 300)
