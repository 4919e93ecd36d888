#include "daemon/os/boot_id.hpp"

#include <fstream>

#include "algorithms/core/hex_digit.hpp"

namespace clocksim::daemon {

namespace {
bool is_dash_at(std::size_t i) { return i == 8 || i == 13 || i == 18 || i == 23; }
constexpr std::size_t kTextLength = 36;
}  // namespace

std::optional<BootId> parse_boot_id(std::string_view text) {
  if (text.size() != kTextLength) return std::nullopt;
  BootId id{};
  std::size_t nibble = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (is_dash_at(i)) {
      if (text[i] != '-') return std::nullopt;
      continue;
    }
    const int v = hex_digit_value(text[i]);
    if (v < 0) return std::nullopt;
    id[nibble / 2] = static_cast<std::uint8_t>(id[nibble / 2] | (nibble % 2 == 0 ? v << 4 : v));
    ++nibble;
  }
  return id;
}

std::string boot_id_text(const BootId& id) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(kTextLength);
  for (std::size_t i = 0; i < id.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    out.push_back(kDigits[id[i] >> 4]);
    out.push_back(kDigits[id[i] & 0xF]);
  }
  return out;
}

BootId read_boot_id(const char* path) {
  std::ifstream in(path);
  std::string line;
  if (!in || !std::getline(in, line)) return BootId{};
  return parse_boot_id(line).value_or(BootId{});
}

}  // namespace clocksim::daemon
