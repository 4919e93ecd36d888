// One line per measured run, the format bench/peers.sh reads: key=value pairs.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <fstream>
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

inline void print_line(const char* workload, const std::string& variant, std::uint64_t events, double cpu_s,
                       double wall_s, std::uint64_t checksum) {
  std::printf("workload=%s variant=%s events=%llu cpu_s=%.3f wall_s=%.3f checksum=%016llx peak_rss_kib=%ld\n", workload,
              variant.c_str(), static_cast<unsigned long long>(events), cpu_s, wall_s,
              static_cast<unsigned long long>(checksum), peak_rss_kib());
  std::fflush(stdout);
}

}  // namespace clocksim::bench
