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

node::MonoTime HostTimeSource::monotonic_now() { return node::MonoTime::from_ns(read_ns(CLOCK_MONOTONIC)); }
node::WallTime HostTimeSource::wall_now() { return node::WallTime::from_ns(read_ns(CLOCK_REALTIME)); }

}  // namespace clocksim::daemon
