// The system backend is never allowed to move the test machine's clock: only its refusals are
// tested here.
#include "daemon/clock/system_clock.hpp"

#include <gtest/gtest.h>

namespace clocksim::daemon {
namespace {

TEST(SystemClock, RefusesWithoutTheExplicitFlag) {
  auto r = open_system_clock(false);
  ASSERT_TRUE(std::holds_alternative<std::string>(r));
  EXPECT_NE(std::get<std::string>(r).find("--allow-system-clock"), std::string::npos);
}

TEST(SystemClock, RefusesWithoutCapSysTimeEvenWithTheFlag) {
  if (has_cap_sys_time()) GTEST_SKIP() << "running with CAP_SYS_TIME: refusal not observable";
  auto r = open_system_clock(true);
  ASSERT_TRUE(std::holds_alternative<std::string>(r));
  EXPECT_NE(std::get<std::string>(r).find("CAP_SYS_TIME"), std::string::npos);
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
