#include "node/wire/auth.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "node/wire/key_file.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <sstream>
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
  auto r = parse_key_text("# cluster 7\n0011223344556677 8899aabbccddeeff\n\n", "k");  // 16 distinct bytes
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
  auto missing = load_keyring_file("/nonexistent/clocksim.key");
  ASSERT_TRUE(std::holds_alternative<std::string>(missing));
  EXPECT_NE(std::get<std::string>(missing).find("cannot open"), std::string::npos);
}

// A bad digit is named at its line and column in the file, whether the key is a peer line's third
// word or a cluster key after comments and blank lines.
TEST(KeyFile, ABadDigitIsLocatedInTheFile) {
  const std::string key = "3f9a0c7e5b21d4866a0fe3b9c5d1724e8b6f0a3c9d2e7f1456a8b0c3e5d7f921";
  std::string bad = key;
  bad[10] = 'g';
  auto pair = parse_keyring_text("# peers\n2 1 " + key + "\n3  1 " + bad + "\n", "k.keys");
  ASSERT_TRUE(std::holds_alternative<std::string>(pair));
  EXPECT_EQ(std::get<std::string>(pair).rfind("k.keys:3:16: key file must hold hex digits only", 0), 0u)
      << std::get<std::string>(pair);
  auto cluster = parse_keyring_text("# cluster key\n\n  " + bad + "\n", "c.key");
  ASSERT_TRUE(std::holds_alternative<std::string>(cluster));
  EXPECT_EQ(std::get<std::string>(cluster).rfind("c.key:3:13: key file must hold hex digits only", 0), 0u)
      << std::get<std::string>(cluster);
  // A byte that is not printable ASCII is named by its value, so the message stays plain text.
  std::string latin1 = key;
  latin1[62] = '\xff';
  auto named = parse_keyring_text("2 1 " + latin1 + "\n", "k.keys");
  ASSERT_TRUE(std::holds_alternative<std::string>(named));
  EXPECT_NE(std::get<std::string>(named).find("k.keys:1:67: key file must hold hex digits only (e.g. `openssl rand -hex 32`), found byte 0xff"), std::string::npos)
      << std::get<std::string>(named);
}

TEST(KeyFile, RejectsLowEntropyKeys) {
  for (const std::string& text : {std::string(32, '0'), std::string(64, 'a'), std::string("0102030405060708") + "0102030405060708",
                                 std::string("00112233445566778899aabbccddeeff") + "00112233445566778899aabbccddeeff"}) {
    auto r = parse_key_text(text, "weak.key");
    ASSERT_TRUE(std::holds_alternative<std::string>(r)) << text;
    EXPECT_NE(std::get<std::string>(r).find("weak.key: key rejected"), std::string::npos) << std::get<std::string>(r);
  }
  // A thousand generated keys all pass (the check never refuses what keygen makes).
  for (int i = 0; i < 1000; ++i) {
    EXPECT_TRUE(std::holds_alternative<ClusterKey>(parse_key_text(random_key_hex(16), "k")));
  }
}

std::string temp_path(const std::string& name) {
  const std::string path = std::string(CLOCKSIM_BINARY_DIR) + "/" + name;
  std::filesystem::remove(path);
  return path;
}

TEST(KeyFile, LoadsFromDiskOnlyWhenOwnerOnly) {
  const std::string path = temp_path("auth_test.key");
  ASSERT_FALSE(write_secret_file(path, random_key_hex(32) + "\n", false));
  EXPECT_EQ(std::filesystem::status(path).permissions() & std::filesystem::perms::all, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  auto r = load_keyring_file(path);
  ASSERT_TRUE(std::holds_alternative<Keyring>(r)) << std::get<std::string>(r);
  EXPECT_TRUE(std::get<Keyring>(r).is_shared());
  EXPECT_TRUE(write_secret_file(path, "x", false));  // never overwrites unless asked
  for (auto mode : {0644, 0640, 0604, 0660, 0606, 0622}) {
    ::chmod(path.c_str(), static_cast<mode_t>(mode));
    auto open = load_keyring_file(path);
    ASSERT_TRUE(std::holds_alternative<std::string>(open)) << mode;
    EXPECT_NE(std::get<std::string>(open).find("too open"), std::string::npos) << std::get<std::string>(open);
  }
}

// A FIFO where the key file should be is refused at once; opening it for reading would otherwise
// wait for a writer, and a reload (SIGHUP) would stall the daemon's loop with it.
TEST(KeyFile, AFifoIsRefusedWithoutWaitingForAWriter) {
  const std::string path = temp_path("auth_test.fifo");
  std::filesystem::remove(path);
  ASSERT_EQ(::mkfifo(path.c_str(), 0600), 0);
  auto r = load_keyring_file(path);
  ASSERT_TRUE(std::holds_alternative<std::string>(r));
  EXPECT_NE(std::get<std::string>(r).find("not a regular file"), std::string::npos) << std::get<std::string>(r);
  std::filesystem::remove(path);
}

// A daemon started as root drops to its user and reads the file again on SIGHUP: a file that user
// owns is accepted when the loader is told who it will run as, and refused otherwise.
TEST(KeyFile, AFileOwnedByTheUserToRunAsIsAccepted) {
  const std::string path = temp_path("auth_test_run_as.key");
  std::filesystem::remove(path);
  ASSERT_FALSE(write_secret_file(path, random_key_hex(32) + "\n", false));
  const std::uint32_t other = ::geteuid() == 0 ? 65534 : ::geteuid();
  if (::geteuid() == 0) {
    ASSERT_EQ(::chown(path.c_str(), other, other), 0);
  }
  auto run_as = load_keyring_file(path, other);
  ASSERT_TRUE(std::holds_alternative<Keyring>(run_as)) << std::get<std::string>(run_as);
  if (::geteuid() == 0) {
    auto plain = load_keyring_file(path);
    ASSERT_TRUE(std::holds_alternative<std::string>(plain));
    EXPECT_NE(std::get<std::string>(plain).find("owned by uid 65534"), std::string::npos) << std::get<std::string>(plain);
    auto someone_else = load_keyring_file(path, 4242);
    ASSERT_TRUE(std::holds_alternative<std::string>(someone_else));
    EXPECT_NE(std::get<std::string>(someone_else).find("the user the daemon runs as (uid 4242)"), std::string::npos);
  }
  std::filesystem::remove(path);
}

TEST(Keyring, PairKeysPerPeerWithRotation) {
  const auto rings = pairwise_keyrings({1, 2, 3}, 4);
  ASSERT_EQ(rings.size(), 3u);
  auto r1 = parse_keyring_text(rings[0], "n1");
  auto r2 = parse_keyring_text(rings[1], "n2");
  ASSERT_TRUE(std::holds_alternative<Keyring>(r1) && std::holds_alternative<Keyring>(r2));
  const Keyring& k1 = std::get<Keyring>(r1);
  const Keyring& k2 = std::get<Keyring>(r2);
  EXPECT_FALSE(k1.is_shared());
  // 1 and 2 share a key; 1's key with 3 is another one; 2's keyring has no key with itself.
  EXPECT_EQ(k1.find(2, 4)->bytes()[0], k2.find(1, 4)->bytes()[0]);
  EXPECT_TRUE(std::equal(k1.find(2, 4)->bytes().begin(), k1.find(2, 4)->bytes().end(), k2.find(1, 4)->bytes().begin()));
  EXPECT_FALSE(std::equal(k1.find(2, 4)->bytes().begin(), k1.find(2, 4)->bytes().end(), k1.find(3, 4)->bytes().begin()));
  EXPECT_EQ(k2.find(2, 4), nullptr);
  EXPECT_EQ(k1.find(2, 3), nullptr);
  // Rotation: the highest id signs, every listed id verifies.
  auto rot = parse_keyring_text("2 1 " + random_key_hex(32) + "\n2 7 " + random_key_hex(32) + "\n", "rot");
  ASSERT_TRUE(std::holds_alternative<Keyring>(rot));
  EXPECT_EQ(std::get<Keyring>(rot).signing_key(2)->first, 7u);
  EXPECT_NE(std::get<Keyring>(rot).find(2, 1), nullptr);
  EXPECT_FALSE(std::get<Keyring>(rot).signing_key(3));
  EXPECT_EQ(std::get<Keyring>(rot).highest_key_id(), 7u);
  EXPECT_EQ(k1.highest_key_id(), 4u);
  // Errors name the line.
  auto bad = parse_keyring_text("2 x " + random_key_hex(32) + "\n", "bad.keys");
  ASSERT_TRUE(std::holds_alternative<std::string>(bad));
  EXPECT_NE(std::get<std::string>(bad).find("bad.keys:1: key id 'x'"), std::string::npos) << std::get<std::string>(bad);
  auto mixed = parse_keyring_text(random_key_hex(32) + "\n2 1 " + random_key_hex(32) + "\n", "mixed.keys");
  ASSERT_TRUE(std::holds_alternative<std::string>(mixed));
}

TEST(Keyring, RetiringKeepsOneKeyIdAndTheComments) {
  const std::string text =
      "# clocksyncd keyring of node 1\n"
      "2 1 aaaa\n"
      "3 1 bbbb\n"
      "\n"
      "# key id 2 (clocksyncctl keygen --rotate)\n"
      "2 2 cccc\n"
      "  3   2   dddd  \n"
      "# a note of the operator's\n";
  EXPECT_EQ(keep_key_id(text, 2),
            "# clocksyncd keyring of node 1\n"
            "\n"
            "# key id 2 (clocksyncctl keygen --rotate)\n"
            "2 2 cccc\n"
            "  3   2   dddd  \n"
            "# a note of the operator's\n");
  EXPECT_EQ(keep_key_id(text, 1),
            "# clocksyncd keyring of node 1\n"
            "2 1 aaaa\n"
            "3 1 bbbb\n"
            "\n"
            "# a note of the operator's\n");
  // Lines that are not pair keys (a cluster-wide key, or a malformed line the parser will name)
  // are not the filter's to drop.
  EXPECT_EQ(keep_key_id("abcdef\n2 x ff\n", 2), "abcdef\n2 x ff\n");
}

// The first step of a rotation adds keys marked accept-only: they verify, and do not sign.
TEST(Keyring, AcceptOnlyKeysVerifyButDoNotSign) {
  const std::string k1 = random_key_hex(32), k2 = random_key_hex(32), k3 = random_key_hex(32);
  auto ring = parse_keyring_text("2 1 " + k1 + "\n2 2 " + k2 + " accept-only\n3 2 " + k3 + "  accept-only \n", "r");
  ASSERT_TRUE(std::holds_alternative<Keyring>(ring)) << std::get<std::string>(ring);
  const Keyring& r = std::get<Keyring>(ring);
  EXPECT_EQ(r.signing_key(2)->first, 1u);
  EXPECT_NE(r.find(2, 2), nullptr);
  EXPECT_TRUE(r.is_accept_only(2, 2));
  EXPECT_FALSE(r.is_accept_only(2, 1));
  EXPECT_EQ(r.accepted_key_ids(2), (std::vector<std::uint32_t>{1, 2}));
  EXPECT_EQ(r.accepted_key_ids(4), std::vector<std::uint32_t>{});
  // Peer 3 has only an accept-only key: nothing to sign with, so no peer to talk to.
  EXPECT_FALSE(r.signing_key(3));
  EXPECT_FALSE(r.has_peer(3));
  EXPECT_EQ(r.accepted_key_ids(3), std::vector<std::uint32_t>{2});
  EXPECT_EQ(r.highest_key_id(), 2u);
  // A signing id above an accept-only one (a later rotation's leftovers) still signs.
  auto mixed = parse_keyring_text("2 1 " + k1 + " accept-only\n2 5 " + k2 + "\n2 9 " + k3 + " accept-only\n", "m");
  ASSERT_TRUE(std::holds_alternative<Keyring>(mixed));
  EXPECT_EQ(std::get<Keyring>(mixed).signing_key(2)->first, 5u);
  // Only that word may follow a key, located.
  auto bad = parse_keyring_text("# c\n2 1 " + k1 + " accept_only\n", "bad.keys");
  ASSERT_TRUE(std::holds_alternative<std::string>(bad));
  EXPECT_NE(std::get<std::string>(bad).find("bad.keys:2: the fourth field may only be 'accept-only', found 'accept_only'"),
            std::string::npos)
      << std::get<std::string>(bad);
  auto five = parse_keyring_text("2 1 " + k1 + " accept-only x\n", "five.keys");
  ASSERT_TRUE(std::holds_alternative<std::string>(five));
  EXPECT_NE(std::get<std::string>(five).find("five.keys:1: expected"), std::string::npos);
  // A cluster key accepts id 0 only.
  EXPECT_EQ(Keyring::shared(std::get<ClusterKey>(parse_key_text(k1, "s"))).accepted_key_ids(2),
            std::vector<std::uint32_t>{0});
}

TEST(Keyring, ActivatingDropsTheMarkerOfOneKeyIdOnly) {
  const std::string text =
      "# clocksyncd keyring of node 1\n"
      "2 1 aaaa\n"
      "# key id 2 (clocksyncctl keygen --rotate; --activate signs with it)\n"
      "2 2 cccc accept-only\n"
      "  3   2   dddd   accept-only  \n"
      "3 3 eeee accept-only\n"
      "# accept-only in a comment stays\n";
  EXPECT_EQ(activate_key_id(text, 2),
            "# clocksyncd keyring of node 1\n"
            "2 1 aaaa\n"
            "# key id 2 (clocksyncctl keygen --rotate; --activate signs with it)\n"
            "2 2 cccc\n"
            "  3   2   dddd  \n"
            "3 3 eeee accept-only\n"
            "# accept-only in a comment stays\n");
  EXPECT_EQ(activate_key_id(activate_key_id(text, 2), 2), activate_key_id(text, 2));
  // On keys of full strength: the id-2 key signs after activation.
  const std::string real = "2 1 " + random_key_hex(32) + "\n2 2 " + random_key_hex(32) + " accept-only\n";
  auto before = parse_keyring_text(real, "b"), after = parse_keyring_text(activate_key_id(real, 2), "a");
  ASSERT_TRUE(std::holds_alternative<Keyring>(before) && std::holds_alternative<Keyring>(after));
  EXPECT_EQ(std::get<Keyring>(before).signing_key(2)->first, 1u);
  EXPECT_EQ(std::get<Keyring>(after).signing_key(2)->first, 2u);
  // Retiring handles accept-only lines as any other key line.
  EXPECT_EQ(keep_key_id(text, 3), "# clocksyncd keyring of node 1\n3 3 eeee accept-only\n# accept-only in a comment stays\n");
}

TEST(KeyFile, ReplacingASecretFileKeepsItsModeAndOwnerAndLeavesNoTemporary) {
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / ("key_rotation_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "node1.keys").string();
  ASSERT_FALSE(write_secret_file(path, "2 1 aaaa\n", false));
  // As root, the file may belong to the daemon's user, who must still be able to read it.
  const bool root = ::geteuid() == 0;
  if (root) {
    ASSERT_EQ(::chown(path.c_str(), 65534, 65534), 0);
  }
  ASSERT_FALSE(replace_secret_file(path, "2 1 aaaa\n2 2 bbbb\n"));
  std::ifstream in(path);
  std::stringstream got;
  got << in.rdbuf();
  EXPECT_EQ(got.str(), "2 1 aaaa\n2 2 bbbb\n");
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
  EXPECT_EQ(st.st_uid, root ? 65534u : ::geteuid());
  std::size_t files = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir)) ++files;
  EXPECT_EQ(files, 1u);  // no temporary left
  // Through a symbolic link: the file it points to is replaced, and the link stays a link.
  const std::string link = (dir / "link.keys").string();
  std::filesystem::create_symlink(path, link);
  ASSERT_FALSE(replace_secret_file(link, "2 3 cccc\n"));
  EXPECT_TRUE(std::filesystem::is_symlink(link));
  std::ifstream again(path);
  std::stringstream now;
  now << again.rdbuf();
  EXPECT_EQ(now.str(), "2 3 cccc\n");
  std::filesystem::remove(link);
  // A file that is not there is not created.
  EXPECT_TRUE(replace_secret_file((dir / "absent.keys").string(), "x\n"));
  EXPECT_FALSE(std::filesystem::exists(dir / "absent.keys"));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace clocksim::node::wire
