// A double as printf's "%.Nf", "%+.Nf" and "%.Ng" write it in the "C" locale, whatever locale the
// process is in. printf reads LC_NUMERIC, and a program that embeds clocksim (the Python module in
// an interpreter where locale.setlocale ran, or a GUI toolkit that set the user's locale) would
// otherwise write "6,399s" into outputs that must be the same bytes everywhere. std::to_chars
// with a precision is specified as printf in the "C" locale, so the digits are printf's.
#pragma once

#include <charconv>
#include <cmath>
#include <string>

namespace clocksim {

// "%.{decimals}f", or "%+.{decimals}f" with `sign`.
inline std::string fixed_text(double v, int decimals, bool sign = false) {
  // Room for the largest double in fixed notation (309 digits) and its decimals.
  char buf[400];
  char* start = buf;
  if (sign && !std::signbit(v)) *start++ = '+';
  const auto r = std::to_chars(start, buf + sizeof buf, v, std::chars_format::fixed, decimals);
  return std::string(buf, r.ptr);
}

// "%.{significant}g".
inline std::string general_text(double v, int significant) {
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::general, significant);
  return std::string(buf, r.ptr);
}

}  // namespace clocksim
