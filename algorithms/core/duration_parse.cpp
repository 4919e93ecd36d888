#include "algorithms/core/duration_parse.hpp"

#include <array>
#include <cstdint>
#include <limits>
#include <string>
#include <utility>

namespace clocksim {
namespace {

struct Unit {
  std::string_view name;
  std::int64_t ns;
};
// Longest names first so that "ms" is not read as "m" followed by junk.
constexpr std::array<Unit, 7> kUnits{{{"min", 60'000'000'000},
                                      {"ns", 1},
                                      {"us", 1'000},
                                      {"ms", 1'000'000},
                                      {"s", 1'000'000'000},
                                      {"m", 60'000'000'000},
                                      {"h", 3'600'000'000'000}}};

// 128-bit intermediates keep "99999h" and "0.000000001s" exact without overflow checks at
// every step; __extension__ keeps -Wpedantic quiet about the GCC/Clang type.
__extension__ typedef unsigned __int128 u128;

bool is_digit(char c) { return c >= '0' && c <= '9'; }

std::optional<Duration> parse(std::string_view text, DurationTextProblem& why) {
  why = DurationTextProblem::kMalformed;
  // Trim spaces.
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  if (text.empty()) return std::nullopt;

  bool negative = false;
  if (text.front() == '-' || text.front() == '+') {
    negative = text.front() == '-';
    text.remove_prefix(1);
  }
  std::size_t i = 0;
  // Integer and fractional digits, kept as integers to stay exact.
  u128 int_part = 0;
  std::size_t int_digits = 0;
  while (i < text.size() && is_digit(text[i])) {
    int_part = int_part * 10 + static_cast<unsigned>(text[i] - '0');
    if (int_part > (static_cast<u128>(1) << 80)) {
      // Still a number? Then it is a well-formed duration that is too large.
      std::size_t j = i + 1;
      while (j < text.size() && (is_digit(text[j]) || text[j] == '.')) ++j;
      if (parse(std::string("1") + std::string(text.substr(j)), why)) why = DurationTextProblem::kTooLarge;
      return std::nullopt;
    }
    ++i;
    ++int_digits;
  }
  std::string_view frac;
  if (i < text.size() && text[i] == '.') {
    const std::size_t start = ++i;
    while (i < text.size() && is_digit(text[i])) ++i;
    frac = text.substr(start, i - start);
  }
  if (int_digits == 0 && frac.empty()) return std::nullopt;
  std::string_view unit_text = text.substr(i);
  while (!unit_text.empty() && unit_text.front() == ' ') unit_text.remove_prefix(1);

  std::int64_t unit_ns = 0;
  if (unit_text.empty()) {
    // Only zero may go without a unit: "5" could mean seconds or milliseconds.
    bool all_zero = int_part == 0;
    for (char c : frac) all_zero = all_zero && c == '0';
    if (!all_zero) return std::nullopt;
    unit_ns = 1;
  } else {
    for (const auto& u : kUnits) {
      if (unit_text == u.name) {
        unit_ns = u.ns;
        break;
      }
    }
    if (unit_ns == 0) return std::nullopt;
  }

  u128 total = int_part * static_cast<u128>(unit_ns);
  // Fractional digits: each contributes digit * unit / 10^k; finer than 1 ns must be zero.
  u128 scale = static_cast<u128>(unit_ns);
  u128 frac_acc = 0;  // in units of ns * 10^k
  u128 denom = 1;
  for (char c : frac) {
    frac_acc = frac_acc * 10 + static_cast<unsigned>(c - '0');
    denom *= 10;
    if (denom > static_cast<u128>(1e30)) return std::nullopt;
  }
  const u128 frac_ns_num = frac_acc * scale;
  if (frac_ns_num % denom != 0) {
    why = DurationTextProblem::kBelowNanosecond;
    return std::nullopt;
  }
  total += frac_ns_num / denom;
  if (total > static_cast<u128>(std::numeric_limits<std::int64_t>::max())) {
    why = DurationTextProblem::kTooLarge;
    return std::nullopt;
  }
  const auto ns = static_cast<std::int64_t>(total);
  why = DurationTextProblem::kNone;
  return Duration::from_ns(negative ? -ns : ns);
}

}  // namespace

std::optional<Duration> parse_duration(std::string_view text) {
  DurationTextProblem why{};
  return parse(text, why);
}

DurationTextProblem duration_text_problem(std::string_view text) {
  DurationTextProblem why{};
  parse(text, why);
  return why;
}

std::string format_duration(Duration d) {
  const std::int64_t ns = d.ns();
  const std::string sign = ns < 0 ? "-" : "";
  // Magnitude in unsigned arithmetic so that INT64_MIN does not overflow.
  const unsigned long long mag = ns < 0 ? static_cast<unsigned long long>(-(ns + 1)) + 1ULL
                                        : static_cast<unsigned long long>(ns);
  if (mag == 0) return "0s";
  struct Choice {
    const char* name;
    unsigned long long ns;
  };
  // The largest unit that shows the value exactly with at most three decimals; else nanoseconds.
  constexpr std::array<Choice, 3> choices{{{"s", 1'000'000'000ULL}, {"ms", 1'000'000ULL}, {"us", 1'000ULL}}};
  for (const auto& c : choices) {
    if (mag < c.ns || mag % (c.ns / 1000) != 0) continue;
    std::string out = sign + std::to_string(mag / c.ns);
    const unsigned long long millis = (mag % c.ns) / (c.ns / 1000);
    if (millis != 0) {
      std::string r = std::to_string(millis);
      r.insert(0, 3 - r.size(), '0');
      while (r.back() == '0') r.pop_back();
      out += "." + r;
    }
    return out + c.name;
  }
  return sign + std::to_string(mag) + "ns";
}

}  // namespace clocksim
