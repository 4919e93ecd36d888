#include "daemon/clock/host_time_source.hpp"

#include <time.h>

namespace clocksim::daemon {

namespace {
std::int64_t read_ns(clockid_t id) {
  timespec ts{};
  clock_gettime(id, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}
}  // namespace

std::int64_t HostTimeSource::monotonic_ns() { return read_ns(CLOCK_MONOTONIC); }
std::int64_t HostTimeSource::realtime_ns() { return read_ns(CLOCK_REALTIME); }

}  // namespace clocksim::daemon
