#include "config/reader.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "config/yaml_tree.hpp"

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

// Durations that must not be negative refuse a minus sign, even on zero, as the JSON Schema does;
// where negatives are allowed, "-0s" is zero.
TEST(ReadDuration, AMinusSignIsRefusedWhereOnlyNonNegativeDurationsAre) {
  const Node doc = yaml::parse_document("a: -0s\nb: 0s\nc: ' -0ms'\nd: -3ms\n", "d.yaml");
  for (const char* key : {"a", "c", "d"}) {
    try {
      read_duration(*doc.find(key), key, Duration::zero());
      ADD_FAILURE() << key << " was taken";
    } catch (const std::exception& e) {
      EXPECT_NE(std::string(e.what()).find("expected a duration >= 0"), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("d.yaml:"), std::string::npos) << e.what();
    }
  }
  EXPECT_EQ(read_duration(*doc.find("b"), "b", Duration::zero()), Duration::zero());
  EXPECT_EQ(read_duration(*doc.find("a"), "a"), Duration::zero());
  EXPECT_THROW(read_duration(*doc.find("a"), "a", Duration::from_ns(1)), std::exception);
}

}  // namespace
}  // namespace clocksim::config
