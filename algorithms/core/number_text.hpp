// A real number for a message a person reads: the fewest digits that name the value exactly,
// in plain notation across the range people write ("600000", "0.5", "1.25"), in scientific
// notation only where plain would run to dozens of digits ("1e+308", "1e-09").
#pragma once

#include <charconv>
#include <cmath>
#include <string>

namespace clocksim {

inline std::string number_text(double v) {
  char buf[64];
  const double magnitude = std::fabs(v);
  const bool plain = magnitude == 0 || (magnitude >= 1e-4 && magnitude < 1e15);
  const auto r = plain ? std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed) : std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

}  // namespace clocksim
