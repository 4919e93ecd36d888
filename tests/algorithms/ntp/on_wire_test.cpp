#include "algorithms/ntp/on_wire.hpp"

#include <gtest/gtest.h>

#include "algorithms/ntp/constants.hpp"

namespace clocksim::ntp {
namespace {

constexpr std::int64_t kMs = 1'000'000;

// Server 25 ms ahead, 3 ms out, 1 ms back, 2 ms turnaround (RFC 5905 §8 formulas).
TEST(NtpOnWire, OffsetAndDelayKnownAnswer) {
  const std::int64_t t1 = 1000 * kMs;
  const std::int64_t t2 = t1 + 3 * kMs + 25 * kMs;
  const std::int64_t t3 = t2 + 2 * kMs;
  const std::int64_t t4 = t3 - 25 * kMs + 1 * kMs;
  const Sample s = exchange_sample(t1, t2, t3, t4);
  EXPECT_NEAR(s.offset_s, 0.026, 1e-12);  // 25 ms + (3 - 1) / 2 ms: the asymmetry error
  EXPECT_NEAR(s.delay_s, 0.004, 1e-12);   // the turnaround is excluded
  EXPECT_NEAR(s.dispersion_s, 2 * log2d(kPrecisionLog2) + kPhi * 0.006, 1e-15);
}

TEST(NtpOnWire, NegativeDelayClampedToPrecision) {
  const Sample s = exchange_sample(0, 10 * kMs, 20 * kMs, 5 * kMs);  // turnaround 10 > round trip 5
  EXPECT_DOUBLE_EQ(s.delay_s, log2d(kPrecisionLog2));
}

TEST(NtpOnWire, LargeEpochLosesNoNanoseconds) {
  const std::int64_t base = std::int64_t{1} << 62;  // ~146 years of ns
  const Sample s = exchange_sample(base, base + 1001, base + 1001, base + 2);
  EXPECT_NEAR(s.offset_s, 1000e-9, 1e-15);
}

}  // namespace
}  // namespace clocksim::ntp
