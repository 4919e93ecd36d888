#include "algorithms/core/time.hpp"

#include <gtest/gtest.h>

#include <type_traits>

#include "algorithms/core/duration_parse.hpp"
#include "sim/time.hpp"

namespace clocksim {
namespace {

using namespace literals;

TEST(Duration, LiteralsAndArithmetic) {
  EXPECT_EQ((1_s).ns(), 1'000'000'000);
  EXPECT_EQ((250_ms).ns(), 250'000'000);
  EXPECT_EQ((2_min).ns(), 120'000'000'000);
  EXPECT_EQ((1_h).ns(), 3'600'000'000'000);
  EXPECT_EQ((3_us).ns(), 3'000);
  EXPECT_EQ(1_s - 250_ms, 750_ms);
  EXPECT_EQ(2 * 250_ms, 500_ms);
  EXPECT_EQ(1_s / 4, 250_ms);
  EXPECT_EQ(1_s / 250_ms, 4);
  EXPECT_EQ(abs(-5_ms), 5_ms);
  EXPECT_LT(-1_ns, 0_ns);
}

TEST(Duration, FromSecondsRoundsToNearest) {
  EXPECT_EQ(Duration::from_seconds(1.5).ns(), 1'500'000'000);
  EXPECT_EQ(Duration::from_seconds(1e-9 * 0.6).ns(), 1);
  EXPECT_EQ(Duration::from_seconds(-1e-9 * 0.6).ns(), -1);
  EXPECT_EQ(Duration::from_seconds(1e-9 * 0.4).ns(), 0);
}

TEST(Instant, DifferenceIsDuration) {
  const LocalTime a = LocalTime::from_ns(10);
  const LocalTime b = a + 5_ns;
  static_assert(std::is_same_v<decltype(b - a), Duration>);
  EXPECT_EQ(b - a, 5_ns);
  EXPECT_EQ(b - 5_ns, a);
}

// True time and local time are different types: neither converts to the other, so an algorithm
// cannot read true time by accident.
static_assert(!std::is_convertible_v<sim::Time, LocalTime>);
static_assert(!std::is_convertible_v<LocalTime, sim::Time>);
template <class A, class B>
concept Subtractable = requires(A a, B b) { a - b; };
static_assert(!Subtractable<sim::Time, LocalTime>);
template <class A, class B>
concept Addable = requires(A a, B b) { a + b; };
static_assert(!Addable<LocalTime, LocalTime>);
static_assert(Addable<LocalTime, Duration>);

TEST(ParseDuration, AcceptsEveryUnit) {
  EXPECT_EQ(parse_duration("250ms"), 250_ms);
  EXPECT_EQ(parse_duration("1.5s"), 1500_ms);
  EXPECT_EQ(parse_duration("2m"), 2_min);
  EXPECT_EQ(parse_duration("2min"), 2_min);
  EXPECT_EQ(parse_duration("1h"), 1_h);
  EXPECT_EQ(parse_duration("7ns"), 7_ns);
  EXPECT_EQ(parse_duration("12us"), 12_us);
  EXPECT_EQ(parse_duration("-3ms"), -3_ms);
  EXPECT_EQ(parse_duration("0"), 0_ns);
  EXPECT_EQ(parse_duration(" 10 s "), 10_s);
  EXPECT_EQ(parse_duration(".5s"), 500_ms);
  EXPECT_EQ(parse_duration("0.000000001s"), 1_ns);
}

TEST(ParseDuration, RejectsNonsense) {
  for (const char* bad : {"", "ms", "5", "1.5", "5 parsecs", "1e3s", "1..5s", "--1s", "0.1ns",
                          "99999999999h", "1.5.s", "s5"}) {
    EXPECT_FALSE(parse_duration(bad).has_value()) << bad;
  }
}

TEST(FormatDuration, RoundTrips) {
  for (Duration d : {0_ns, 1_ns, 250_ms, 1500_ms, -3_us, 1_h, 123456789_ns, Duration::from_ns(-1)}) {
    const auto back = parse_duration(format_duration(d));
    ASSERT_TRUE(back.has_value()) << format_duration(d);
    EXPECT_EQ(*back, d) << format_duration(d);
  }
  EXPECT_EQ(format_duration(1500_ms), "1.5s");
  EXPECT_EQ(format_duration(250_us), "250us");
}

}  // namespace
}  // namespace clocksim
