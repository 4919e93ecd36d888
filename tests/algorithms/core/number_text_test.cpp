#include "algorithms/core/number_text.hpp"

#include <gtest/gtest.h>

#include <limits>

namespace clocksim {
namespace {

TEST(NumberText, PlainWherePeopleWriteItScientificOnlyAtTheExtremes) {
  EXPECT_EQ(number_text(600000), "600000");
  EXPECT_EQ(number_text(-1.5), "-1.5");
  EXPECT_EQ(number_text(0), "0");
  EXPECT_EQ(number_text(0.0001), "0.0001");
  EXPECT_EQ(number_text(999999.25), "999999.25");
  EXPECT_EQ(number_text(1e308), "1e+308");
  EXPECT_EQ(number_text(-1e-9), "-1e-09");
  EXPECT_EQ(number_text(std::numeric_limits<double>::max()), "1.7976931348623157e+308");
  EXPECT_EQ(number_text(std::numeric_limits<double>::infinity()), "inf");
  // Exact: the text reads back as the same double.
  for (const double v : {0.1, 1.0 / 3, 123456.789, 2.5e-5, 7e14}) EXPECT_EQ(std::stod(number_text(v)), v) << v;
}

}  // namespace
}  // namespace clocksim
