#include "daemon/os/folder_trust.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

namespace clocksim::daemon {
namespace {

namespace fs = std::filesystem;

class FolderTrustTest : public ::testing::Test {
 protected:
  FolderTrustTest() {
    root_ = fs::temp_directory_path() / ("clocksim-folder-trust-" + std::to_string(::getpid()) + "-" +
                                         ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    fs::create_directories(root_);
    ::chmod(root_.c_str(), 0755);  // whatever the umask
  }
  ~FolderTrustTest() override { fs::remove_all(root_); }

  // A folder below the test's own, mode `mode` exactly.
  std::string folder(const std::string& name, mode_t mode) {
    const fs::path p = root_ / name;
    fs::create_directories(p);
    EXPECT_EQ(::chmod(p.c_str(), mode), 0);
    return p.string();
  }

  fs::path root_;
};

// Whoever may write a folder may rename a file of their own over one in it. Root's ownership
// excuses no write bit, so these hold when the tests run as root too.
TEST_F(FolderTrustTest, AFolderGroupOrOthersMayWriteIsRefusedUnlessSticky) {
  for (mode_t mode : {0777, 0775, 0757, 0770, 0730, 0703}) {
    const std::string dir = folder("open", mode);
    const auto e = folder_trust_problem(dir, "the key files");
    ASSERT_TRUE(e) << std::oct << mode;
    char bits[8];
    std::snprintf(bits, sizeof bits, "%04o", static_cast<unsigned>(mode));
    EXPECT_EQ(*e, dir + ": permissions " + bits + " let group or others replace the key files in it (chmod go-w " +
                      dir + ")");
  }
  // Sticky (as /tmp): others can neither remove nor rename a file they do not own.
  for (mode_t mode : {01777, 01770, 0755, 0750, 0700}) {
    EXPECT_EQ(folder_trust_problem(folder("fine", mode), "the key files"), std::nullopt) << std::oct << mode;
  }
}

TEST_F(FolderTrustTest, AFolderAnotherUserOwnsIsRefusedUnlessItIsTheDaemonsUser) {
  if (::geteuid() != 0) GTEST_SKIP() << "giving the folder another owner needs root";
  const std::string dir = folder("theirs", 0700);
  ASSERT_EQ(::chown(dir.c_str(), 4242, 4242), 0);
  const auto e = folder_trust_problem(dir, "the state file");
  ASSERT_TRUE(e);
  EXPECT_EQ(*e, dir + ": owned by uid 4242, not by this user or root, who could replace the state file in it");
  EXPECT_EQ(folder_trust_problem(dir, "the state file", 4242), std::nullopt);
  const auto other = folder_trust_problem(dir, "the state file", 4343);
  ASSERT_TRUE(other);
  EXPECT_NE(other->find("not by this user or root or the user the daemon runs as (uid 4343)"), std::string::npos)
      << *other;
}

TEST_F(FolderTrustTest, WhatIsNoFolderIsLeftToTheCaller) {
  EXPECT_EQ(folder_trust_problem((root_ / "missing").string(), "the key files"), std::nullopt);
  std::ofstream(root_ / "file") << "x";
  EXPECT_EQ(folder_trust_problem((root_ / "file").string(), "the key files"), std::nullopt);
}

}  // namespace
}  // namespace clocksim::daemon
