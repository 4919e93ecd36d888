// Cluster authentication: a shared secret key per cluster and HMAC-SHA256 (RFC 2104) over each
// packet. Verification compares in constant time (CRYPTO_memcmp) so that timing does not leak how
// many MAC bytes an attacker guessed right.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
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

// A key file holds the key as hex digits (e.g. `openssl rand -hex 32 > cluster.key`); blank
// lines and lines starting with '#' are ignored. Returns the key or a message naming the file and
// what was wrong.
std::variant<ClusterKey, std::string> load_key_file(const std::string& path);
std::variant<ClusterKey, std::string> parse_key_text(const std::string& text, const std::string& origin);

}  // namespace clocksim::node::wire
