// The system backend is never allowed to move the test machine's clock: what is tested is who may
// open it. Each case means something both as root and as an ordinary user: the refusal is
// observed in a child that dropped CAP_SYS_TIME (dropping a capability needs no privilege), and
// the capability check is compared with what the kernel reports in /proc/self/status.
#include "daemon/clock/system_clock.hpp"

#include <linux/capability.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

namespace clocksim::daemon {
namespace {

// Removes CAP_SYS_TIME from this thread's effective and permitted sets; true on success.
bool drop_cap_sys_time() {
  __user_cap_header_struct header{};
  header.version = _LINUX_CAPABILITY_VERSION_3;
  header.pid = 0;
  __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3]{};
  if (syscall(SYS_capget, &header, data) != 0) return false;
  data[CAP_TO_INDEX(CAP_SYS_TIME)].effective &= ~CAP_TO_MASK(CAP_SYS_TIME);
  data[CAP_TO_INDEX(CAP_SYS_TIME)].permitted &= ~CAP_TO_MASK(CAP_SYS_TIME);
  return syscall(SYS_capset, &header, data) == 0;
}

// CAP_SYS_TIME in the effective set, as the kernel reports it (CapEff, a hex mask).
bool kernel_reports_cap_sys_time() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("CapEff:", 0) == 0) {
      const unsigned long long mask = std::strtoull(line.c_str() + 7, nullptr, 16);
      return ((mask >> CAP_SYS_TIME) & 1ULL) != 0;
    }
  }
  ADD_FAILURE() << "/proc/self/status has no CapEff line";
  return false;
}

TEST(SystemClock, RefusesWithoutTheExplicitFlag) {
  auto r = open_system_clock(false);
  ASSERT_TRUE(std::holds_alternative<std::string>(r));
  EXPECT_NE(std::get<std::string>(r).find("--allow-system-clock"), std::string::npos);
}

TEST(SystemClock, RefusesWithoutCapSysTimeEvenWithTheFlag) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        if (!drop_cap_sys_time()) std::_Exit(3);
        if (has_cap_sys_time()) std::_Exit(4);
        auto r = open_system_clock(true);
        if (!std::holds_alternative<std::string>(r)) std::_Exit(5);
        std::_Exit(std::get<std::string>(r).find("CAP_SYS_TIME") != std::string::npos ? 0 : 6);
      },
      ::testing::ExitedWithCode(0), "")
      << "exit 3: capset failed, 4: the capability is still seen, 5: the clock opened, 6: the message does not name CAP_SYS_TIME";
}

TEST(SystemClock, CapabilityCheckAgreesWithTheKernelAndDecidesTheOpen) {
  const bool has_cap = kernel_reports_cap_sys_time();
  EXPECT_EQ(has_cap_sys_time(), has_cap);
  auto r = open_system_clock(true);
  if (has_cap) {
    // Opening only reads; nothing is stepped or slewed here.
    ASSERT_TRUE(std::holds_alternative<std::unique_ptr<SystemClock>>(r)) << std::get<std::string>(r);
    EXPECT_EQ(std::get<std::unique_ptr<SystemClock>>(r)->backend(), "system");
  } else {
    ASSERT_TRUE(std::holds_alternative<std::string>(r));
    EXPECT_NE(std::get<std::string>(r).find("CAP_SYS_TIME"), std::string::npos);
  }
}

TEST(SystemClock, ReadsTheSystemClockWithoutChangingIt) {
  SystemClock c;  // reading needs no privilege
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  const std::int64_t sys = static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
  EXPECT_LT(std::abs(c.now().ns() - sys), 1'000'000'000);
  EXPECT_EQ(c.offset_from_system(), Duration::zero());
}

}  // namespace
}  // namespace clocksim::daemon
