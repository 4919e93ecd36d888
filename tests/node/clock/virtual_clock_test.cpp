#include "node/clock/virtual_clock.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>

#include "tests/node/clock/fake_time_source.hpp"

namespace clocksim::node {
namespace {

using namespace clocksim::literals;
using testing::FakeTimeSource;

TEST(VirtualClock, StartsAtSystemTimePlusOffset) {
  FakeTimeSource src;
  VirtualClock c({0, 25_ms, 500}, src);
  EXPECT_EQ(c.now().ns(), src.real_ns + 25'000'000);
  EXPECT_EQ(c.offset_from_system(), 25_ms);
}

// A configured offset at the ends of int64 (--offset 9223372036854775807ns): the reading
// saturates at the end of time instead of wrapping (the asan preset's UBSan checks the "instead").
TEST(VirtualClock, AnOffsetAtTheEndsOfTheRangeSaturatesTheReading) {
  FakeTimeSource src;
  VirtualClock late({200, Duration::max(), 500}, src);
  EXPECT_EQ(late.now(), LocalTime::max());
  src.advance_ns(3'600'000'000'000);
  EXPECT_EQ(late.now(), LocalTime::max());
  EXPECT_EQ(late.offset_from_system(), Duration::max() - Duration::from_ns(src.real_ns));
  EXPECT_THROW(late.step(1_s), std::overflow_error);
  VirtualClock early({-200, Duration::min(), 500}, src);
  EXPECT_EQ(early.now(), LocalTime::from_ns(src.real_ns) + Duration::min());  // exact: no overflow here
  EXPECT_THROW(early.step(Duration::min()), std::overflow_error);
  EXPECT_LT(early.now(), LocalTime::from_ns(0));
  // A timer of "never" on a slow clock stays never.
  EXPECT_EQ(early.monotonic_span(Duration::max()), Duration::max());
}

// The last net under the config's checks: no host can build a clock that could stop.
TEST(VirtualClock, RatesThatCouldStopItAreRefused) {
  FakeTimeSource src;
  EXPECT_THROW(VirtualClock({-1'000'000, 0_s, 500}, src), std::invalid_argument);
  EXPECT_THROW(VirtualClock({100'001, 0_s, 500}, src), std::invalid_argument);
  EXPECT_THROW(VirtualClock({0, 0_s, 1e12}, src), std::invalid_argument);
  EXPECT_THROW(VirtualClock({std::nan(""), 0_s, 500}, src), std::invalid_argument);
  VirtualClock slowest({-100'000, 0_s, 100'000}, src);
  slowest.set_rate_correction_ppm(-99'999);
  slowest.slew(-1_s);
  EXPECT_GT(slowest.monotonic_span(1_ms), Duration::zero());
}

TEST(VirtualClock, DriftsAtItsPpm) {
  FakeTimeSource src;
  VirtualClock fast({200, Duration::zero(), 500}, src);
  VirtualClock slow({-200, Duration::zero(), 500}, src);
  src.advance_ns(10'000'000'000);  // 10 s
  EXPECT_EQ(fast.offset_from_system(), 2_ms);   // 200 ppm * 10 s
  EXPECT_EQ(slow.offset_from_system(), -2_ms);
  src.advance_ns(3'600'000'000'000 - 10'000'000'000);  // one hour: exact to the ns
  EXPECT_EQ(fast.offset_from_system().ns(), 720'000'000);
}

TEST(VirtualClock, StepJumpsAtOnce) {
  FakeTimeSource src;
  VirtualClock c({0, Duration::zero(), 500}, src);
  const auto before = c.now();
  c.step(-3_s);
  EXPECT_EQ(c.now() - before, -3_s);
  c.step(1_ms);
  EXPECT_EQ(c.offset_from_system(), -3_s + 1_ms);
}

TEST(VirtualClock, SlewCompletesAtTheBoundedRate) {
  FakeTimeSource src;
  VirtualClock c({0, Duration::zero(), 500}, src);
  c.slew(5_ms);  // 5 ms at 500 ppm takes 10 s
  EXPECT_EQ(c.pending_slew(), 5_ms);
  src.advance_ns(4'000'000'000);
  EXPECT_EQ(c.offset_from_system(), 2_ms);  // 500 ppm * 4 s
  EXPECT_EQ(c.pending_slew(), 3_ms);
  src.advance_ns(6'000'000'000);
  EXPECT_EQ(c.offset_from_system(), 5_ms);
  EXPECT_EQ(c.pending_slew(), Duration::zero());
  src.advance_ns(10'000'000'000);  // and then stops
  EXPECT_EQ(c.offset_from_system(), 5_ms);
}

TEST(VirtualClock, NegativeSlewAndReplacementLikeAdjtime) {
  FakeTimeSource src;
  VirtualClock c({0, Duration::zero(), 500}, src);
  c.slew(-10_ms);
  src.advance_ns(2'000'000'000);  // -1 ms done
  EXPECT_EQ(c.offset_from_system(), -1_ms);
  c.slew(2_ms);  // replaces the remaining -9 ms
  src.advance_ns(10'000'000'000);
  EXPECT_EQ(c.offset_from_system(), 1_ms);
}

TEST(VirtualClock, RateCorrectionCancelsDrift) {
  FakeTimeSource src;
  VirtualClock c({150, Duration::zero(), 500}, src);
  src.advance_ns(1'000'000'000);
  EXPECT_EQ(c.offset_from_system(), 150_us);
  c.set_rate_correction_ppm(-150);
  EXPECT_DOUBLE_EQ(c.rate_correction_ppm(), -150);
  src.advance_ns(100'000'000'000);
  EXPECT_EQ(c.offset_from_system(), 150_us);
}

TEST(VirtualClock, MonotonicSpanAccountsForRateAndSlew) {
  FakeTimeSource src;
  VirtualClock c({1000, Duration::zero(), 500}, src);  // 1000 ppm fast: 1 s local = 0.999000999000999 s
  EXPECT_EQ(c.monotonic_span(1_s).ns(), 999'001'000);  // rounded up: never early
  c.slew(1_s);  // slewing forward adds 500 ppm
  EXPECT_EQ(c.monotonic_span(1_s).ns(), 998'502'247);
  EXPECT_EQ(c.monotonic_span(-1_s), Duration::zero());
}

}  // namespace
}  // namespace clocksim::node
