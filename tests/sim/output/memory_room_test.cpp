#include "sim/output/memory_room.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "tests/sim/world/test_scenarios.hpp"

namespace clocksim::sim {
namespace {

using namespace clocksim::literals;

TEST(MemoryRoom, ReadsMemAvailableFromMeminfo) {
  EXPECT_EQ(mem_available_bytes("MemTotal:       16000000 kB\nMemFree:  100 kB\nMemAvailable:    2048 kB\n"),
            2048u * 1024);
  EXPECT_FALSE(mem_available_bytes("MemTotal: 16000000 kB\nMemFree: 100 kB\n"));
  EXPECT_FALSE(mem_available_bytes(""));
}

TEST(MemoryRoom, ARunWhoseFilesCannotFitInMemoryIsRefusedSayingWhatToChange) {
  const auto spec = testing::drift_only(3, 10_s, 1_s);  // floor: 11 * 10 + 33 * 16 = 638 bytes
  EXPECT_NO_THROW(check_memory_room(spec, 638));
  EXPECT_NO_THROW(check_memory_room(spec, std::nullopt));  // unknown: not checked
  try {
    check_memory_room(spec, 637);
    FAIL() << "no error";
  } catch (const std::runtime_error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("need at least"), std::string::npos) << what;
    EXPECT_NE(what.find("33 trace rows, 11 skew rows"), std::string::npos) << what;
    EXPECT_NE(what.find("output.trace_every"), std::string::npos) << what;
  }
}

}  // namespace
}  // namespace clocksim::sim
