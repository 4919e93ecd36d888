#include "algorithms/core/time.hpp"

#include <gtest/gtest.h>

#include <limits>
#include <stdexcept>
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

// The adversary of the arithmetic: every operation at the edges of int64. Under the asan preset
// (UBSan) a single signed overflow here fails the run.
constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();

TEST(Duration, SumsAndDifferencesSaturateSoThatNeverStaysNever) {
  EXPECT_EQ(Duration::max() + 1_s, Duration::max());
  EXPECT_EQ(Duration::max() + Duration::max(), Duration::max());
  EXPECT_EQ(Duration::min() - 1_ns, Duration::min());
  EXPECT_EQ(Duration::min() + Duration::min(), Duration::min());
  EXPECT_EQ(Duration::max() - Duration::min(), Duration::max());
  EXPECT_EQ(Duration::min() - Duration::max(), Duration::min());
  EXPECT_EQ(Duration::max() + Duration::min(), -1_ns);  // no overflow: exact
  Duration d = Duration::max();
  d += 1_h;
  EXPECT_EQ(d, Duration::max());
  d = Duration::min();
  d -= 1_h;
  EXPECT_EQ(d, Duration::min());
}

TEST(Duration, NegationAbsAndProductsSaturate) {
  EXPECT_EQ(-Duration::min(), Duration::max());
  EXPECT_EQ(-Duration::max(), Duration::from_ns(kMin + 1));
  EXPECT_EQ(abs(Duration::min()), Duration::max());
  EXPECT_EQ(Duration::max() * 2, Duration::max());
  EXPECT_EQ(Duration::max() * -2, Duration::min());
  EXPECT_EQ(-3 * Duration::min(), Duration::max());
  EXPECT_EQ(Duration::min() * -1, Duration::max());
  EXPECT_EQ(1_h * 3'000'000'000LL, Duration::max());  // 342 years of hours: beyond int64 ns
  EXPECT_EQ(1_s * 1000, 1000_s);
}

TEST(Duration, DivisionByZeroIsCheckedAndTheOneOverflowingQuotientSaturates) {
  EXPECT_THROW((void)(1_s / 0), std::domain_error);
  EXPECT_THROW((void)(1_s / Duration::zero()), std::domain_error);
  EXPECT_EQ(Duration::min() / -1, Duration::max());
  EXPECT_EQ(Duration::min() / Duration::from_ns(-1), kMax);
  EXPECT_EQ(Duration::max() / Duration::from_ns(1), kMax);
}

TEST(Duration, FromSecondsSaturatesBeyondTheRangeAndRefusesNaN) {
  EXPECT_EQ(Duration::from_seconds(1e300), Duration::max());
  EXPECT_EQ(Duration::from_seconds(-1e300), Duration::min());
  EXPECT_EQ(Duration::from_seconds(std::numeric_limits<double>::infinity()), Duration::max());
  EXPECT_EQ(Duration::from_seconds(-std::numeric_limits<double>::infinity()), Duration::min());
  EXPECT_EQ(Duration::from_seconds(9.3e9), Duration::max());   // 294 years
  EXPECT_EQ(Duration::from_seconds(-9.3e9), Duration::min());
  EXPECT_THROW((void)Duration::from_seconds(std::numeric_limits<double>::quiet_NaN()), std::domain_error);
}

TEST(Duration, CheckedOperationsReportOverflowInsteadOfClamping) {
  EXPECT_EQ(checked_add(1_s, 2_s), 3_s);
  EXPECT_FALSE(checked_add(Duration::max(), 1_ns));
  EXPECT_FALSE(checked_sub(Duration::min(), 1_ns));
  EXPECT_EQ(checked_sub(Duration::zero(), Duration::max()), Duration::from_ns(kMin + 1));
  EXPECT_FALSE(checked_mul(Duration::max(), 2));
  EXPECT_FALSE(checked_mul(Duration::min(), -1));
  EXPECT_EQ(checked_mul(2_s, -3), Duration::zero() - 6_s);
}

// Literals are evaluated by the compiler (consteval): the largest hour count that fits compiles,
// 2'562'048_h would not.
static_assert((2'562'047_h).ns() == 2'562'047LL * 3'600'000'000'000LL);

TEST(Instant, ArithmeticSaturatesAtTheEndsOfTheAxis) {
  EXPECT_EQ(LocalTime::max() + 1_s, LocalTime::max());
  EXPECT_EQ(1_s + LocalTime::max(), LocalTime::max());
  EXPECT_EQ(LocalTime::min() - 1_s, LocalTime::min());
  EXPECT_EQ(LocalTime::max() - LocalTime::min(), Duration::max());
  EXPECT_EQ(LocalTime::min() - LocalTime::max(), Duration::min());
  EXPECT_EQ(LocalTime::from_ns(-5) - Duration::max(), LocalTime::min());
  LocalTime t = LocalTime::max();
  t += Duration::max();
  EXPECT_EQ(t, LocalTime::max());
  // A deadline "never" stays later than every finite one.
  EXPECT_GT(sim::Time::from_ns(kMax - 1) + Duration::max(), sim::Time::from_ns(kMax - 1));
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

// Why a text is refused, so that the message can say what to fix.
TEST(ParseDuration, SaysWhyATextIsRefused) {
  EXPECT_EQ(duration_text_problem("250ms"), DurationTextProblem::kNone);
  EXPECT_EQ(duration_text_problem("9223372036.854775807s"), DurationTextProblem::kNone);
  EXPECT_EQ(duration_text_problem("-9223372036854775807ns"), DurationTextProblem::kNone);
  for (const char* big : {"9223372036.854775808s", "9223372037s", "2562048h", "-9223372036854775808ns",
                          "99999999999999999999999999999s", "99999999999999999999999999999.5 ms"}) {
    EXPECT_EQ(duration_text_problem(big), DurationTextProblem::kTooLarge) << big;
  }
  for (const char* fine : {"0.5ns", "1.0000000001s", "0.0001us"}) {
    EXPECT_EQ(duration_text_problem(fine), DurationTextProblem::kBelowNanosecond) << fine;
  }
  for (const char* bad : {"", "abc", "5", "1e3s", "1 parsec", "99999999999999999999999999999", "99999999999999999999999999999x"}) {
    EXPECT_EQ(duration_text_problem(bad), DurationTextProblem::kMalformed) << bad;
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
