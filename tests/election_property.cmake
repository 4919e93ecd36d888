# Election property tests over many seeds (tests/property/partition_heal_property.cpp), in
# chunks of 100 seeds so that `ctest -j` runs them in parallel (label "property"); the long forms
# run 5000 seeds (label "long").
# - election.partition_heal.KIND: scenarios/partition-heal.yaml (5% loss on every link) for every
#   election kind: exactly one master within the settle time after the heal, and the skew never
#   above the worst-case bound of docs/bounds.md §7 (its lossy form) at any tick.
# - bound.partition_heal_lossless.KIND: the same without loss (the bound's steady form).
# - bound.SCENARIO: the failover scenarios (lossy-election, graceful-handover and a lossy
#   failover.yaml included):
#   the skew never exceeds the bound at any tick.
add_executable(election_property ${CMAKE_CURRENT_SOURCE_DIR}/property/partition_heal_property.cpp)
target_link_libraries(election_property PRIVATE clocksim_sim clocksim_warnings)
set(_scenario ${PROJECT_SOURCE_DIR}/scenarios/partition-heal.yaml)

# NAME SCENARIO KIND SETTLE [overrides...]: 5 chunks of 100 seeds, and the long form.
function(clocksim_property name scenario kind settle)
  foreach(_chunk RANGE 0 4)
    math(EXPR _first "${_chunk} * 100 + 1")
    add_test(NAME ${name}.${_chunk} COMMAND election_property ${scenario} ${kind} ${_first} 100 ${settle} ${ARGN})
    # Chunk 0 alone runs under the sanitizers (the asan test preset excludes property_extra):
    # memory errors show in any seed; the full 500 seeds run in the ci preset.
    if(_chunk EQUAL 0)
      set(_labels property)
    else()
      set(_labels "property;property_extra")
    endif()
    set_tests_properties(${name}.${_chunk} PROPERTIES LABELS "${_labels}" TIMEOUT 600)
  endforeach()
  add_test(NAME ${name}.long COMMAND election_property ${scenario} ${kind} 1 5000 ${settle} ${ARGN})
  set_tests_properties(${name}.long PROPERTIES LABELS long TIMEOUT 3600)
endfunction()

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
  clocksim_property(election.partition_heal.${_name} ${_scenario} ${_kind} ${_settle})
  clocksim_property(bound.partition_heal_lossless.${_name} ${_scenario} ${_kind} ${_settle} links.loss=0)
endforeach()
foreach(_s failover bully-failover ring-failover standby lossy-election graceful-handover)
  clocksim_property(bound.${_s} ${PROJECT_SOURCE_DIR}/scenarios/${_s}.yaml file 0)
endforeach()
clocksim_property(bound.failover_lossy ${PROJECT_SOURCE_DIR}/scenarios/failover.yaml file 0 links.loss=0.1)
# CI runs the long label's fixed sample (test preset long-sample, label long_sample) after the
# ordinary suite: these short runs and one 5000-seed run.
set_tests_properties(bound.failover_lossy.long PROPERTIES LABELS "long;long_sample")

# The loss and latency variants docs/bounds.md §7 cites, 100 seeds each (label long; each prints
# its worst skew/bound): `ctest --preset long -R bound.variant`.
foreach(_case
    "failover_loss_1pct:failover:links.loss=0.01"
    "failover_loss_10pct:failover:links.loss=0.1"
    "failover_loss_30pct:failover:links.loss=0.3"
    "partition_heal_loss_5pct:partition-heal:links.loss=0.05"
    "bully_failover_loss_30pct:bully-failover:links.loss=0.3"
    "standby_loss_10pct:standby:links.loss=0.1"
    "ring_failover_loss_20pct:ring-failover:links.loss=0.2"
    "lossy_election:lossy-election:"
    "failover_adversarial_latency:failover:links.latency=adversarial(1ms, 5ms)")
  string(REPLACE ":" ";" _parts "${_case}")
  list(GET _parts 0 _name)
  list(GET _parts 1 _file)
  list(LENGTH _parts _n)
  set(_override "")
  if(_n GREATER 2)
    list(GET _parts 2 _override)
  endif()
  set(_settle 0)
  if(_file STREQUAL "partition-heal")
    set(_settle 30)  # TSP's settle time after the heal, as in election.partition_heal.tsp
  endif()
  add_test(NAME bound.variant.${_name}
           COMMAND election_property ${PROJECT_SOURCE_DIR}/scenarios/${_file}.yaml file 1 100 ${_settle} ${_override})
  set_tests_properties(bound.variant.${_name} PROPERTIES LABELS "long;long_sample" TIMEOUT 600)
endforeach()

# The bound fuzzer (tests/property/bound_fuzz.cpp): random scenarios over the space the bound
# model claims, each under the exact checker. 500 cases in CI (label property; the asan build runs
# the share CLOCKSIM_FUZZ_PERCENT of each chunk), 20,000 long.
add_executable(bound_fuzz ${CMAKE_CURRENT_SOURCE_DIR}/property/bound_fuzz.cpp)
target_link_libraries(bound_fuzz PRIVATE clocksim_sim clocksim_warnings)
clocksim_fuzz_cases(_bound_fuzz_cases 100)
foreach(_chunk RANGE 0 4)
  math(EXPR _first "${_chunk} * 100")
  add_test(NAME bound.fuzz.${_chunk} COMMAND bound_fuzz ${_first} ${_bound_fuzz_cases} --quiet --out ${PROJECT_BINARY_DIR}/bound-fuzz/${_chunk})
  set_tests_properties(bound.fuzz.${_chunk} PROPERTIES LABELS property TIMEOUT 900)
endforeach()
add_test(NAME bound.fuzz.long COMMAND bound_fuzz 0 20000 --out ${PROJECT_BINARY_DIR}/bound-fuzz/long)
set_tests_properties(bound.fuzz.long PROPERTIES LABELS long TIMEOUT 36000)
# The probe stream (bound_fuzz --probe: Cristian, host: daemon, probe timeouts around the round
# trip), its cases numbered on their own: 1,200 in CI (about 12 s; the asan build the share
# CLOCKSIM_FUZZ_PERCENT of each chunk), 20,000 long.
clocksim_fuzz_cases(_probe_fuzz_cases 400)
foreach(_chunk RANGE 0 2)
  math(EXPR _first "${_chunk} * 400")
  add_test(NAME bound.fuzz.probe.${_chunk}
           COMMAND bound_fuzz ${_first} ${_probe_fuzz_cases} --probe --quiet --out ${PROJECT_BINARY_DIR}/bound-fuzz/probe-${_chunk})
  set_tests_properties(bound.fuzz.probe.${_chunk} PROPERTIES LABELS property TIMEOUT 900)
endforeach()
add_test(NAME bound.fuzz.probe.long COMMAND bound_fuzz 0 20000 --probe --out ${PROJECT_BINARY_DIR}/bound-fuzz/probe-long)
set_tests_properties(bound.fuzz.probe.long PROPERTIES LABELS long TIMEOUT 36000)
