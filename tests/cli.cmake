# The clocksim CLI under interruption and write errors (label "cli"): a run or sweep ended by a
# signal, or refused a write (file-size limit, full disk), leaves no unfinished file behind, ends
# with the signal's status or exit 2, and a sweep resumes afterwards
# (tests/sim/cli/interrupt_check.py).
clocksim_script_test(cli.interrupt_and_write_errors cli 600 sim/cli/interrupt_check.py
  $<TARGET_FILE:clocksim> ${CMAKE_CURRENT_BINARY_DIR}/cli-interrupt)

# Two sweeps never write one folder at once: a second copy, a shard twice, or a merge beside
# running shards stop with exit 2; a killed sweep leaves no lock (tests/sim/cli/sweep_lock_check.py).
clocksim_script_test(cli.sweep_folder_lock "cli;sweep" 600 sim/cli/sweep_lock_check.py
  $<TARGET_FILE:clocksim> ${CMAKE_CURRENT_BINARY_DIR}/cli-sweep-lock)

# A simulated clock runs forward: scenarios whose rates, each within its key's range, could add
# up to standstill are refused with a located error, and the unbounded parts (wander, rate
# corrections) are held inside the room; none aborts (tests/sim/cli/clock_rate_check.py).
clocksim_script_test(cli.clock_rates_adversary cli 600 sim/cli/clock_rate_check.py
  $<TARGET_FILE:clocksim> ${CMAKE_CURRENT_BINARY_DIR}/cli-clock-rates)

# --seed takes every seed a scenario takes and refuses the rest with exit 2; CLI11's own
# conversion wrapped -1 and saturated 2^64 (tests/sim/cli/seed_option_check.py).
clocksim_script_test(cli.seed_option cli 120 sim/cli/seed_option_check.py
  $<TARGET_FILE:clocksim> $<TARGET_FILE:clocksyncd> ${CMAKE_CURRENT_BINARY_DIR}/cli-seed-option)

# CLI11's own errors (a flag that does not parse, a missing or stray argument) are one line that
# starts with the program's name, exit 2, as every other error of clocksim's and the daemon's
# (tests/sim/cli/flag_errors_check.py; tests/daemon/cli/flag_errors_check.py for the daemon's).
clocksim_script_test(cli.flag_errors cli 60 sim/cli/flag_errors_check.py
  $<TARGET_FILE:clocksim> ${CMAKE_CURRENT_BINARY_DIR}/cli-flag-errors)

# A misspelt command is named with the commands there are (tests/sim/cli/command_names_check.py).
clocksim_script_test(cli.command_names cli 60 sim/cli/command_names_check.py
  $<TARGET_FILE:clocksim>)

# Without --out a run writes to out/<scenario name>; a name with separators or dots stays one
# folder inside out/ (tests/sim/cli/default_out_check.py).
clocksim_script_test(cli.default_out_folder cli 60 sim/cli/default_out_check.py
  $<TARGET_FILE:clocksim> ${CMAKE_CURRENT_BINARY_DIR}/cli-default-out)

# --plot passes the output folder to the plot script as one argument: a scenario name with
# quotes, ';' or $( ) is a folder name, not a shell command (tests/sim/cli/plot_option_check.py).
clocksim_script_test(cli.plot_folder_argument cli 120 sim/cli/plot_option_check.py
  $<TARGET_FILE:clocksim> ${CMAKE_CURRENT_BINARY_DIR}/cli-plot-option)

# A run that outgrows its memory limit (--memory-limit; by default nine tenths of what the machine
# has available) ends with exit 2 and a message, not by the kernel's out-of-memory killer, and
# leaves no output behind (tests/sim/cli/memory_limit_check.py). A sanitizer build applies no
# limit: the script checks the option's parsing there, and says so.
if(CMAKE_CXX_FLAGS MATCHES "fsanitize")
  set(clocksim_sanitizer_build 1)
else()
  set(clocksim_sanitizer_build 0)
endif()
clocksim_script_test(cli.memory_limit cli 600 sim/cli/memory_limit_check.py
  $<TARGET_FILE:clocksim> ${CMAKE_CURRENT_BINARY_DIR}/cli-memory-limit ${clocksim_sanitizer_build})

# --version names the program, the release and the code identity a sweep records, one line, exit
# 0 (tests/sim/cli/version_check.py).
clocksim_script_test(cli.version cli 60 sim/cli/version_check.py
  ${PROJECT_VERSION} $<TARGET_FILE:clocksim> $<TARGET_FILE:clocksyncd> $<TARGET_FILE:clocksyncctl>)

# Standard output on a full disk is an error, exit 2, for all three programs; a run started with
# its standard descriptors closed writes the usual files (tests/sim/cli/standard_output_check.py).
clocksim_script_test(cli.standard_output cli 300 sim/cli/standard_output_check.py
  $<TARGET_FILE:clocksim> $<TARGET_FILE:clocksyncd> $<TARGET_FILE:clocksyncctl> ${PROJECT_SOURCE_DIR}
  ${CMAKE_CURRENT_BINARY_DIR}/cli-standard-output)
