#include "node/wire/auth.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>

#include "algorithms/core/hex_digit.hpp"

namespace clocksim::node::wire {

Mac ClusterKey::mac(std::span<const std::uint8_t> data) const {
  Mac out{};
  unsigned int out_len = 0;
  const unsigned char* r = HMAC(EVP_sha256(), bytes_.data(), static_cast<int>(bytes_.size()),
                                data.data(), data.size(), out.data(), &out_len);
  if (r == nullptr || out_len != out.size()) throw std::runtime_error("HMAC-SHA256 failed (OpenSSL)");
  return out;
}

bool ClusterKey::verify(std::span<const std::uint8_t> data, std::span<const std::uint8_t> mac) const {
  if (mac.size() != kMacSize) return false;
  const Mac expected = this->mac(data);
  return CRYPTO_memcmp(expected.data(), mac.data(), kMacSize) == 0;
}

namespace {

// A byte as a message quotes it: printable ASCII as itself, anything else (a control character, a
// byte of a multi-byte or broken encoding) by its value, which a terminal shows as it is.
std::string character_text(char c) {
  const auto byte = static_cast<unsigned char>(c);
  if (byte >= 0x20 && byte < 0x7f) return std::string("'") + c + "'";
  static constexpr char kHex[] = "0123456789abcdef";
  return std::string("byte 0x") + kHex[byte >> 4] + kHex[byte & 0xf];
}
}  // namespace

std::optional<std::string> key_weakness(std::span<const std::uint8_t> key) {
  // Not a proof of randomness, only a net for the keys people type: a random key of n >= 16
  // bytes has about n distinct byte values (16 bytes: 15.5 on average; fewer than n/4 + 4 has a
  // probability far below 1e-9) and never repeats a block shorter than itself.
  const std::size_t n = key.size();
  std::set<std::uint8_t> distinct(key.begin(), key.end());
  if (distinct.size() < n / 4 + 4) {
    return "only " + std::to_string(distinct.size()) + " distinct byte values in " + std::to_string(n) +
           " bytes (low entropy: not a random key)";
  }
  for (std::size_t period = 1; period <= n / 2; ++period) {
    bool repeats = true;
    for (std::size_t i = period; i < n && repeats; ++i) repeats = key[i] == key[i - period];
    if (repeats) return "the key repeats a " + std::to_string(period) + "-byte block (low entropy)";
  }
  return std::nullopt;
}

std::variant<ClusterKey, std::string> parse_key_text(const std::string& text, const std::string& origin,
                                                     int first_line, std::size_t column_offset) {
  std::string digits;
  std::istringstream in(text);
  std::string line;
  int line_no = first_line - 1;
  while (std::getline(in, line)) {
    ++line_no;
    std::size_t start = line.find_first_not_of(" \t\r");
    if (start == std::string::npos || line[start] == '#') continue;
    for (std::size_t i = start; i < line.size(); ++i) {
      const char c = line[i];
      if (c == ' ' || c == '\t' || c == '\r') continue;
      if (hex_digit_value(c) < 0) {
        return origin + ":" + std::to_string(line_no) + ":" + std::to_string(column_offset + i + 1) +
               ": key file must hold hex digits only (e.g. `openssl rand -hex 32`), found " + character_text(c);
      }
      digits.push_back(c);
    }
  }
  if (digits.size() % 2 != 0) return origin + ": key has an odd number of hex digits";
  const std::size_t n = digits.size() / 2;
  if (n < ClusterKey::kMinBytes || n > ClusterKey::kMaxBytes) {
    return origin + ": key is " + std::to_string(n) + " bytes; expected " +
           std::to_string(ClusterKey::kMinBytes) + " to " + std::to_string(ClusterKey::kMaxBytes) +
           " bytes (" + std::to_string(2 * ClusterKey::kMinBytes) + " to " +
           std::to_string(2 * ClusterKey::kMaxBytes) + " hex digits)";
  }
  std::vector<std::uint8_t> bytes(n);
  for (std::size_t i = 0; i < n; ++i) {
    bytes[i] = static_cast<std::uint8_t>(hex_digit_value(digits[2 * i]) * 16 + hex_digit_value(digits[2 * i + 1]));
  }
  if (auto weak = key_weakness(bytes)) {
    return origin + ": key rejected: " + *weak + "; make one with `clocksyncctl keygen` (or `openssl rand -hex 32`)";
  }
  return ClusterKey(std::move(bytes));
}

}  // namespace clocksim::node::wire
