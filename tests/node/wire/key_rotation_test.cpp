#include "node/wire/key_rotation.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "node/wire/key_file.hpp"

namespace clocksim::node::wire {
namespace {

TEST(KeyRotation, RetiringKeepsOneKeyIdAndTheComments) {
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

TEST(KeyRotation, ReplacingASecretFileKeepsItsModeAndOwnerAndLeavesNoTemporary) {
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
  EXPECT_EQ(files, 1u);
  // A file that is not there is not created.
  EXPECT_TRUE(replace_secret_file((dir / "absent.keys").string(), "x\n"));
  EXPECT_FALSE(std::filesystem::exists(dir / "absent.keys"));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace clocksim::node::wire
