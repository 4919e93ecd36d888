#include "algorithms/core/decimal_text.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>
#include <random>
#include <string>

namespace clocksim {
namespace {

std::string printf_text(const char* format, double v) {
  char buf[512];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

// The texts replace printf's in outputs that are pinned byte for byte, so they must be printf's
// digits exactly (in the "C" locale the tests run in): over values drawn across the whole range
// of doubles, the ones the engine formats (nanoseconds scaled to s, ms, us), ties and the edges.
TEST(DecimalText, IsPrintfsTextInTheCLocale) {
  std::vector<double> values = {0.0, -0.0, 0.5, 1.5, 2.5, -2.5, 0.0005, 0.0015, 1e-9, 999.9995, 1e15, 1e300,
                                -1e300, std::numeric_limits<double>::max(), -std::numeric_limits<double>::max(),
                                std::numeric_limits<double>::min(), std::numeric_limits<double>::denorm_min(),
                                std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity(),
                                std::numeric_limits<double>::quiet_NaN()};
  std::mt19937_64 rng(20261207);
  for (int i = 0; i < 20000; ++i) {
    std::uint64_t bits = rng();
    double v;
    std::memcpy(&v, &bits, sizeof v);
    if (!std::isnan(v)) values.push_back(v);
    const auto ns = static_cast<std::int64_t>(rng());
    values.push_back(static_cast<double>(ns) * 1e-9);
    values.push_back(static_cast<double>(ns >> (rng() % 60)) * 1e-6);
    values.push_back(static_cast<double>(static_cast<std::int64_t>(rng() % 2000001) - 1000000) * 1e-3);
  }
  for (const double v : values) {
    for (int decimals : {0, 1, 3, 6, 9}) {
      const std::string f = "%." + std::to_string(decimals) + "f";
      const std::string signed_f = "%+." + std::to_string(decimals) + "f";
      ASSERT_EQ(fixed_text(v, decimals), printf_text(f.c_str(), v)) << f << " of " << printf_text("%.17g", v);
      ASSERT_EQ(fixed_text(v, decimals, true), printf_text(signed_f.c_str(), v)) << signed_f << " of " << printf_text("%.17g", v);
    }
    for (int significant : {1, 3, 6, 9, 17}) {
      const std::string g = "%." + std::to_string(significant) + "g";
      ASSERT_EQ(general_text(v, significant), printf_text(g.c_str(), v)) << g << " of " << printf_text("%.17g", v);
    }
  }
}

}  // namespace
}  // namespace clocksim
