// One line per measured run, the format bench/peers.sh reads: key=value pairs.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <stdexcept>
#include <string>

#include "bench/phold.hpp"

namespace clocksim::bench {

inline long peak_rss_kib() {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);)
    if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6));
  return 0;
}

// CPU and wall time of one call.
struct Stopwatch {
  double cpu0 = thread_cpu_seconds();
  std::chrono::steady_clock::time_point wall0 = std::chrono::steady_clock::now();
  double cpu() const { return thread_cpu_seconds() - cpu0; }
  double wall() const { return std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count(); }
};

inline constexpr std::uint64_t kMaxU32 = 0xFFFFFFFFu;

// A whole decimal count from the command line (CLIENTS, SECONDS, NODES, ...); anything else, or
// one beyond `max`, is an error naming the argument (std::invalid_argument: the harness prints it
// and exits with 2).
inline std::uint64_t parse_count(const char* text, const char* name, std::uint64_t max) {
  const std::string t(text);
  std::uint64_t v = 0;
  bool ok = !t.empty() && t.size() <= 19;
  for (char c : t) ok = ok && c >= '0' && c <= '9';
  if (ok) v = std::stoull(t);
  if (!ok || v == 0 || v > max) {
    throw std::invalid_argument(std::string(name) + ": expected a whole number from 1 to " + std::to_string(max) +
                                ", got '" + t + "'");
  }
  return v;
}

// A whole number of seconds from the command line, in nanoseconds (at most 9·10^9 s, so that the
// nanoseconds fit in 64 bits).
inline std::int64_t parse_seconds_ns(const char* text, const char* name) {
  return static_cast<std::int64_t>(parse_count(text, name, 9'000'000'000)) * 1'000'000'000;
}

// A harness's main: runs `run`, and turns a bad argument (parse_count) into its message and exit
// code 2.
inline int main_refusing_bad_arguments(const char* program, int (*run)(int, char**), int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::invalid_argument& e) {
    std::fprintf(stderr, "%s: %s\n", program, e.what());
    return 2;
  }
}

inline void print_line(const char* workload, const std::string& variant, std::uint64_t events, double cpu_s,
                       double wall_s, std::uint64_t checksum) {
  std::printf("workload=%s variant=%s events=%llu cpu_s=%.3f wall_s=%.3f checksum=%016llx peak_rss_kib=%ld\n", workload,
              variant.c_str(), static_cast<unsigned long long>(events), cpu_s, wall_s,
              static_cast<unsigned long long>(checksum), peak_rss_kib());
  std::fflush(stdout);
}

}  // namespace clocksim::bench
