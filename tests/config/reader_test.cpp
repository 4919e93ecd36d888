#include "config/reader.hpp"

#include <gtest/gtest.h>

namespace clocksim::config {
namespace {

// Seeds: every value of 2^64 and nothing else, with no wrap-around or saturation.
TEST(ParseUint64, TakesTheWholeRangeAndRefusesEverythingElse) {
  EXPECT_EQ(parse_uint64("0"), 0u);
  EXPECT_EQ(parse_uint64("7"), 7u);
  EXPECT_EQ(parse_uint64("18446744073709551615"), 18446744073709551615u);
  for (const char* bad : {"", "-1", "+5", "18446744073709551616", "99999999999999999999999", "1e3", "0x10", " 7", "7 ", "7s"}) {
    EXPECT_EQ(parse_uint64(bad), std::nullopt) << bad;
  }
}

}  // namespace
}  // namespace clocksim::config
