# The clocksim CLI under interruption and write errors (label "cli"): a run or sweep ended by a
# signal, or refused a write (file-size limit, full disk), leaves no unfinished file behind, ends
# with the signal's status or exit 2, and a sweep resumes afterwards
# (tests/sim/cli/interrupt_check.py).
add_test(NAME cli.interrupt_and_write_errors
  COMMAND ${CLOCKSIM_PYTHON3} ${CMAKE_CURRENT_SOURCE_DIR}/sim/cli/interrupt_check.py
    $<TARGET_FILE:clocksim> ${CMAKE_CURRENT_BINARY_DIR}/cli-interrupt)
set_tests_properties(cli.interrupt_and_write_errors PROPERTIES LABELS cli TIMEOUT 600)

# Two sweeps never write one folder at once: a second copy, a shard twice, or a merge beside
# running shards stop with exit 2; a killed sweep leaves no lock (tests/sim/cli/sweep_lock_check.py).
add_test(NAME cli.sweep_folder_lock
  COMMAND ${CLOCKSIM_PYTHON3} ${CMAKE_CURRENT_SOURCE_DIR}/sim/cli/sweep_lock_check.py
    $<TARGET_FILE:clocksim> ${CMAKE_CURRENT_BINARY_DIR}/cli-sweep-lock)
set_tests_properties(cli.sweep_folder_lock PROPERTIES LABELS "cli;sweep" TIMEOUT 600)

# A simulated clock runs forward: scenarios whose rates, each within its key's range, could add
# up to standstill are refused with a located error, and the unbounded parts (wander, rate
# corrections) are held inside the room; none aborts (tests/sim/cli/clock_rate_check.py).
add_test(NAME cli.clock_rates_adversary
  COMMAND ${CLOCKSIM_PYTHON3} ${CMAKE_CURRENT_SOURCE_DIR}/sim/cli/clock_rate_check.py
    $<TARGET_FILE:clocksim> ${CMAKE_CURRENT_BINARY_DIR}/cli-clock-rates)
set_tests_properties(cli.clock_rates_adversary PROPERTIES LABELS cli TIMEOUT 600)

# --seed takes every seed a scenario takes and refuses the rest with exit 2; CLI11's own
# conversion wrapped -1 and saturated 2^64 (tests/sim/cli/seed_option_check.py).
add_test(NAME cli.seed_option
  COMMAND ${CLOCKSIM_PYTHON3} ${CMAKE_CURRENT_SOURCE_DIR}/sim/cli/seed_option_check.py
    $<TARGET_FILE:clocksim> $<TARGET_FILE:clocksyncd> ${CMAKE_CURRENT_BINARY_DIR}/cli-seed-option)
set_tests_properties(cli.seed_option PROPERTIES LABELS cli TIMEOUT 120)

# A misspelt command is named with the commands there are (tests/sim/cli/command_names_check.py).
add_test(NAME cli.command_names
  COMMAND ${CLOCKSIM_PYTHON3} ${CMAKE_CURRENT_SOURCE_DIR}/sim/cli/command_names_check.py $<TARGET_FILE:clocksim>)
set_tests_properties(cli.command_names PROPERTIES LABELS cli TIMEOUT 60)
