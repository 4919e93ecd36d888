#include "config/suggest.hpp"

#include <gtest/gtest.h>

namespace clocksim::config {
namespace {

TEST(Suggest, EditDistance) {
  EXPECT_EQ(edit_distance("latency", "latency"), 0u);
  EXPECT_EQ(edit_distance("latncy", "latency"), 1u);
  EXPECT_EQ(edit_distance("ltaency", "latency"), 1u);  // transposition
  EXPECT_EQ(edit_distance("Latency", "latency"), 0u);  // case-insensitive
  EXPECT_EQ(edit_distance("", "abc"), 3u);
}

TEST(Suggest, ClosestMatchOnlyForPlausibleTypos) {
  const std::vector<std::string> keys{"latency", "asymmetry", "loss", "overrides"};
  EXPECT_EQ(closest_match("latncy", keys), "latency");
  EXPECT_EQ(closest_match("los", keys), "loss");
  EXPECT_EQ(closest_match("bandwidth", keys), std::nullopt);
  EXPECT_EQ(did_you_mean("asymetry", keys), " (did you mean 'asymmetry'?)");
  EXPECT_EQ(did_you_mean("zzz", keys), "");
}

}  // namespace
}  // namespace clocksim::config
