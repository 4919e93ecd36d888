#include "daemon/clock/system_clock.hpp"

#include <linux/capability.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/timex.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <system_error>

namespace clocksim::daemon {

namespace {
constexpr std::int64_t kNsPerS = 1'000'000'000;
// The kernel's frequency limit (adjtimex(2): ±500 ppm, in units of 2^-16 ppm).
constexpr double kMaxFrequencyPpm = 500;

[[noreturn]] void fail(const char* what) { throw std::system_error(errno, std::generic_category(), what); }
}  // namespace

SystemClock::SystemClock() {
  timex tx{};  // modes 0: a read, allowed without privileges
  if (adjtimex(&tx) >= 0) correction_ppm_ = static_cast<double>(tx.freq) / 65536.0;
}

LocalTime SystemClock::now() {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  return LocalTime::from_ns(static_cast<std::int64_t>(ts.tv_sec) * kNsPerS + ts.tv_nsec);
}

void SystemClock::step(Duration delta) {
  std::int64_t target = 0;
  if (__builtin_add_overflow(now().ns(), delta.ns(), &target) || target < 0) {
    errno = EOVERFLOW;
    fail("clock_settime (target out of range)");
  }
  timespec ts{};
  ts.tv_sec = static_cast<time_t>(target / kNsPerS);
  ts.tv_nsec = static_cast<long>(target % kNsPerS);
  if (ts.tv_nsec < 0) {
    ts.tv_nsec += kNsPerS;
    ts.tv_sec -= 1;
  }
  if (clock_settime(CLOCK_REALTIME, &ts) != 0) fail("clock_settime");
}

void SystemClock::slew(Duration delta) {
  // adjtime(3) replaces an unfinished adjustment and slews at the kernel's fixed 500 ppm.
  const std::int64_t us = delta.ns() / 1000;
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(us / 1'000'000);
  tv.tv_usec = static_cast<suseconds_t>(us % 1'000'000);
  if (tv.tv_usec < 0) {
    tv.tv_usec += 1'000'000;
    tv.tv_sec -= 1;
  }
  if (adjtime(&tv, nullptr) != 0) fail("adjtime");
}

void SystemClock::set_rate_correction_ppm(double ppm) {
  if (!std::isfinite(ppm)) {
    errno = EINVAL;
    fail("adjtimex(ADJ_FREQUENCY) (rate not finite)");
  }
  const double clamped = std::clamp(ppm, -kMaxFrequencyPpm, kMaxFrequencyPpm);
  timex tx{};
  tx.modes = ADJ_FREQUENCY;
  tx.freq = std::lround(clamped * 65536.0);
  if (adjtimex(&tx) < 0) fail("adjtimex(ADJ_FREQUENCY)");
  correction_ppm_ = clamped;
}

Duration SystemClock::pending_slew() {
  timeval left{};
  if (adjtime(nullptr, &left) != 0) return Duration::zero();
  return Duration::from_ns((static_cast<std::int64_t>(left.tv_sec) * 1'000'000 + left.tv_usec) * 1000);
}

bool has_cap_sys_time() {
  __user_cap_header_struct header{};
  header.version = _LINUX_CAPABILITY_VERSION_3;
  header.pid = 0;
  __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3]{};
  if (syscall(SYS_capget, &header, data) != 0) return false;
  return (data[CAP_TO_INDEX(CAP_SYS_TIME)].effective & CAP_TO_MASK(CAP_SYS_TIME)) != 0;
}

std::variant<std::unique_ptr<SystemClock>, std::string> open_system_clock(bool allowed_by_flag) {
  if (!allowed_by_flag) {
    return std::string(
        "clock backend 'system' changes the time of the whole machine; pass --allow-system-clock "
        "to confirm (or use --clock virtual)");
  }
  if (!has_cap_sys_time()) {
    return std::string("clock backend 'system' needs CAP_SYS_TIME (run as root or grant it with setcap)");
  }
  return std::make_unique<SystemClock>();
}

}  // namespace clocksim::daemon
