// The value of one hexadecimal digit, either case: for the texts the daemon reads as bytes (key
// files, the kernel's boot id).
#pragma once

namespace clocksim {

// 0..15, or -1 for a character that is not a hexadecimal digit.
constexpr int hex_digit_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace clocksim
