// Cluster authentication: a shared secret key per cluster and HMAC-SHA256 (RFC 2104) over each
// packet. Verification compares in constant time (CRYPTO_memcmp) so that timing does not leak how
// many MAC bytes an attacker guessed right.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "node/wire/format.hpp"

namespace clocksim::node::wire {

using Mac = std::array<std::uint8_t, kMacSize>;

class ClusterKey {
 public:
  // At least 16 bytes (128 bits); RFC 2104 §3 recommends no less than the hash output length,
  // which the key-file generator in the examples uses (32 bytes).
  static constexpr std::size_t kMinBytes = 16;
  static constexpr std::size_t kMaxBytes = 64;

  explicit ClusterKey(std::vector<std::uint8_t> bytes) : bytes_(std::move(bytes)) {}
  std::span<const std::uint8_t> bytes() const { return bytes_; }

  Mac mac(std::span<const std::uint8_t> data) const;
  bool verify(std::span<const std::uint8_t> data, std::span<const std::uint8_t> mac) const;

 private:
  std::vector<std::uint8_t> bytes_;
};

// A key as hex digits (e.g. `openssl rand -hex 32`); blank lines and lines starting with '#' are
// ignored. Returns the key or a message naming `origin` and what was wrong (also for a key that
// looks typed rather than random). Key files: key_file.hpp.
// Why `key` looks typed rather than drawn at random (too few distinct bytes, a repeated block),
// or nullopt.
std::optional<std::string> key_weakness(std::span<const std::uint8_t> key);
// `text` may be part of a file: its first line is the file's line `first_line`, and its first
// column the file's column 1 + `column_offset`, so that an error names the place in the file.
std::variant<ClusterKey, std::string> parse_key_text(const std::string& text, const std::string& origin,
                                                     int first_line = 1, std::size_t column_offset = 0);

}  // namespace clocksim::node::wire
