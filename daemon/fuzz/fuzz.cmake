# libFuzzer target for the wire decoder. The project may be built with GCC, which has no
# libFuzzer, so the fuzzer is compiled by clang++ directly (custom command) from the few sources
# the decoder needs, by a clang++ that links -fsanitize=fuzzer (Debian: clang + libclang-rt-14-dev,
# installed by scripts/install-deps.sh); CTest runs it for a bounded time (label "fuzz"). Without
# such a clang the fuzz tests are still registered and fail naming the packages.
option(CLOCKSIM_FUZZ "Build and run the wire decoder fuzzer when clang supports it" ON)
set(CLOCKSIM_FUZZ_SECONDS 10 CACHE STRING "libFuzzer -max_total_time for the CTest fuzz run")

if(CLOCKSIM_FUZZ AND NOT CMAKE_CXX_FLAGS MATCHES "fsanitize")
  find_program(CLOCKSIM_CLANGXX NAMES clang++ clang++-16 clang++-15 clang++-14)
  if(CLOCKSIM_CLANGXX AND NOT DEFINED CLOCKSIM_CLANG_HAS_LIBFUZZER)
    set(probe_dir ${CMAKE_CURRENT_BINARY_DIR}/fuzz-probe)
    file(MAKE_DIRECTORY ${probe_dir})
    file(WRITE ${probe_dir}/probe.cpp
      "#include <cstddef>\n#include <cstdint>\nextern \"C\" int LLVMFuzzerTestOneInput(const std::uint8_t*, std::size_t) { return 0; }\n")
    execute_process(
      COMMAND ${CLOCKSIM_CLANGXX} -fsanitize=fuzzer ${probe_dir}/probe.cpp -o ${probe_dir}/probe
      RESULT_VARIABLE probe_rc OUTPUT_QUIET ERROR_QUIET)
    if(probe_rc EQUAL 0)
      set(CLOCKSIM_CLANG_HAS_LIBFUZZER ON CACHE INTERNAL "")
    else()
      set(CLOCKSIM_CLANG_HAS_LIBFUZZER OFF CACHE INTERNAL "")
    endif()
  endif()

  if(CLOCKSIM_CLANGXX AND CLOCKSIM_CLANG_HAS_LIBFUZZER)
    set(fuzz_sources
      ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/decode_fuzz.cpp
      ${PROJECT_SOURCE_DIR}/node/wire/codec.cpp
      ${PROJECT_SOURCE_DIR}/node/wire/auth.cpp
      ${PROJECT_SOURCE_DIR}/node/wire/replay_window.cpp
      ${PROJECT_SOURCE_DIR}/node/wire/keyring.cpp
      ${PROJECT_SOURCE_DIR}/node/wire/freshness.cpp
      ${PROJECT_SOURCE_DIR}/node/wire/channel.cpp
      ${PROJECT_SOURCE_DIR}/algorithms/core/message.cpp)
    file(GLOB fuzz_headers ${PROJECT_SOURCE_DIR}/node/wire/*.hpp ${PROJECT_SOURCE_DIR}/algorithms/core/*.hpp)
    set(fuzz_bin ${CMAKE_CURRENT_BINARY_DIR}/fuzz/decode_fuzz)
    file(MAKE_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR}/fuzz)
    add_custom_command(
      OUTPUT ${fuzz_bin}
      COMMAND ${CLOCKSIM_CLANGXX} -std=c++20 -O1 -g -fsanitize=fuzzer,address,undefined
              -fno-sanitize-recover=undefined -Wall -Wextra -I${PROJECT_SOURCE_DIR}
              -I${OPENSSL_INCLUDE_DIR} ${fuzz_sources} ${OPENSSL_CRYPTO_LIBRARY} -o ${fuzz_bin}
      DEPENDS ${fuzz_sources} ${fuzz_headers}
      COMMENT "clang++ -fsanitize=fuzzer: wire decoder fuzzer"
      VERBATIM)
    add_custom_target(decode_fuzz ALL DEPENDS ${fuzz_bin})
    set(fuzz_artifacts ${CMAKE_CURRENT_BINARY_DIR}/fuzz-artifacts/)
    file(MAKE_DIRECTORY ${fuzz_artifacts})
    add_test(NAME daemon.wire.decode_fuzz
      COMMAND ${fuzz_bin} -max_total_time=${CLOCKSIM_FUZZ_SECONDS} -seed=1 -rss_limit_mb=1024
              -print_final_stats=1 -artifact_prefix=${fuzz_artifacts})
    set_tests_properties(daemon.wire.decode_fuzz PROPERTIES LABELS fuzz TIMEOUT 120)

    # The NTPv4 codec (node/wire/ntp_packet) gets its own target: no cluster key involved.
    set(ntp_fuzz_sources ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/ntp_fuzz.cpp ${PROJECT_SOURCE_DIR}/node/wire/ntp_packet.cpp)
    set(ntp_fuzz_bin ${CMAKE_CURRENT_BINARY_DIR}/fuzz/ntp_fuzz)
    add_custom_command(
      OUTPUT ${ntp_fuzz_bin}
      COMMAND ${CLOCKSIM_CLANGXX} -std=c++20 -O1 -g -fsanitize=fuzzer,address,undefined
              -fno-sanitize-recover=undefined -Wall -Wextra -I${PROJECT_SOURCE_DIR} ${ntp_fuzz_sources} -o ${ntp_fuzz_bin}
      DEPENDS ${ntp_fuzz_sources} ${PROJECT_SOURCE_DIR}/node/wire/ntp_packet.hpp ${PROJECT_SOURCE_DIR}/node/wire/bytes.hpp
      COMMENT "clang++ -fsanitize=fuzzer: NTP packet fuzzer"
      VERBATIM)
    add_custom_target(ntp_fuzz ALL DEPENDS ${ntp_fuzz_bin})
    add_test(NAME daemon.wire.ntp_fuzz
      COMMAND ${ntp_fuzz_bin} -max_total_time=${CLOCKSIM_FUZZ_SECONDS} -seed=1 -rss_limit_mb=1024
              -print_final_stats=1 -artifact_prefix=${fuzz_artifacts})
    set_tests_properties(daemon.wire.ntp_fuzz PROPERTIES LABELS fuzz TIMEOUT 120)
  else()
    set(_why "the wire fuzzers need clang++ with libFuzzer: apt-get install clang libclang-rt-14-dev (scripts/install-deps.sh), then reconfigure")
    message(WARNING "clocksim: ${_why}")
    foreach(_t decode_fuzz ntp_fuzz)
      add_test(NAME daemon.wire.${_t} COMMAND ${CMAKE_COMMAND} -E echo "${_why}")
      set_tests_properties(daemon.wire.${_t} PROPERTIES LABELS fuzz WILL_FAIL ON)
    endforeach()
  endif()
endif()
