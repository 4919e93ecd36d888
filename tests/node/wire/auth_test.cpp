#include "node/wire/auth.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <variant>

namespace clocksim::node::wire {
namespace {

TEST(ClusterKey, HmacSha256MatchesRfc4231TestCase2) {
  // RFC 4231 §4.3: key "Jefe", data "what do ya want for nothing?". (The key is short; the
  // ClusterKey constructor does not enforce the key-file minimum.)
  const std::string k = "Jefe";
  const std::string data = "what do ya want for nothing?";
  const ClusterKey key(std::vector<std::uint8_t>(k.begin(), k.end()));
  const Mac mac = key.mac({reinterpret_cast<const std::uint8_t*>(data.data()), data.size()});
  const char* hex = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";
  char buf[65] = {};
  for (std::size_t i = 0; i < mac.size(); ++i) std::snprintf(buf + 2 * i, 3, "%02x", mac[i]);
  EXPECT_STREQ(buf, hex);
  EXPECT_TRUE(key.verify({reinterpret_cast<const std::uint8_t*>(data.data()), data.size()}, mac));
  Mac wrong = mac;
  wrong[31] ^= 1;
  EXPECT_FALSE(key.verify({reinterpret_cast<const std::uint8_t*>(data.data()), data.size()}, wrong));
}

TEST(KeyFile, ParsesHexWithCommentsAndWhitespace) {
  auto r = parse_key_text("# cluster 7\n0011223344556677 8899aabbccddeeff\n\n", "k");
  ASSERT_TRUE(std::holds_alternative<ClusterKey>(r)) << std::get<std::string>(r);
  const auto& key = std::get<ClusterKey>(r);
  ASSERT_EQ(key.bytes().size(), 16u);
  EXPECT_EQ(key.bytes()[0], 0x00);
  EXPECT_EQ(key.bytes()[15], 0xFF);
}

TEST(KeyFile, RejectsNonHexShortOddAndMissing) {
  auto bad = parse_key_text("00112233445566778899aabbccddeefg\n", "k.key");
  ASSERT_TRUE(std::holds_alternative<std::string>(bad));
  EXPECT_NE(std::get<std::string>(bad).find("k.key:1:32"), std::string::npos) << std::get<std::string>(bad);
  auto shorty = parse_key_text("0011", "k.key");
  ASSERT_TRUE(std::holds_alternative<std::string>(shorty));
  EXPECT_NE(std::get<std::string>(shorty).find("2 bytes"), std::string::npos);
  EXPECT_TRUE(std::holds_alternative<std::string>(parse_key_text("001", "k")));
  auto missing = load_key_file("/nonexistent/clocksim.key");
  ASSERT_TRUE(std::holds_alternative<std::string>(missing));
  EXPECT_NE(std::get<std::string>(missing).find("cannot open"), std::string::npos);
}

TEST(KeyFile, LoadsFromDisk) {
  const std::string path = std::string(CLOCKSIM_BINARY_DIR) + "/auth_test.key";
  std::ofstream(path) << std::string(64, 'a') << "\n";
  auto r = load_key_file(path);
  ASSERT_TRUE(std::holds_alternative<ClusterKey>(r));
  EXPECT_EQ(std::get<ClusterKey>(r).bytes().size(), 32u);
}

}  // namespace
}  // namespace clocksim::node::wire
