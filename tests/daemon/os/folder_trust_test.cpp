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

std::string mode_text(mode_t mode) {
  char bits[8];
  std::snprintf(bits, sizeof bits, "%04o", static_cast<unsigned>(mode));
  return bits;
}

// Each test in a folder of its own below the temporary folder (/tmp: sticky and root's, which the
// rule accepts on the way). Root's ownership excuses no write bit, so every case but the ones
// that give a folder another owner means the same when the tests run as root.
class FolderTrustTest : public ::testing::Test {
 protected:
  FolderTrustTest() {
    root_ = fs::temp_directory_path() / ("clocksim-folder-trust-" + std::to_string(::getpid()) + "-" +
                                         ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    fs::create_directories(root_);
    ::chmod(root_.c_str(), 0755);  // whatever the umask
  }
  ~FolderTrustTest() override {
    std::error_code ec;
    fs::remove_all(root_, ec);
  }

  // The folder `name` below the test's own, mode `mode` exactly (its parents 0755).
  std::string folder(const std::string& name, mode_t mode) {
    const fs::path p = root_ / name;
    fs::create_directories(p);
    for (fs::path q = p.parent_path(); q != root_; q = q.parent_path()) ::chmod(q.c_str(), 0755);
    EXPECT_EQ(::chmod(p.c_str(), mode), 0);
    return p.string();
  }

  fs::path root_;
};

// Whoever may write a folder may rename a file of their own over one in it.
TEST_F(FolderTrustTest, AFolderGroupOrOthersMayWriteIsRefusedUnlessSticky) {
  for (mode_t mode : {0777, 0775, 0757, 0770, 0730, 0703}) {
    const std::string dir = folder("open", mode);
    EXPECT_EQ(folder_trust_problem(dir, "the key files"),
              "folder " + dir + ": permissions " + mode_text(mode) +
                  " let group or others replace the key files in it (chmod go-w " + dir + ")");
  }
  // Sticky (as /tmp): others can neither remove nor rename a file they do not own.
  for (mode_t mode : {01777, 01770, 0755, 0750, 0700}) {
    EXPECT_EQ(folder_trust_problem(folder("fine", mode), "the key files"), std::nullopt) << std::oct << mode;
  }
}

// As sshd's StrictModes: a folder above it that others may write lets them rename the folder away
// and put one of their own in its place, so every folder on the way counts.
TEST_F(FolderTrustTest, EveryFolderOnTheWayIsJudgedNotOnlyTheLast) {
  const std::string keys = folder("a/b/keys", 0700);
  const std::string a = (root_ / "a").string(), b = (root_ / "a/b").string();
  for (const std::string& above : {a, b, root_.string()}) {
    for (mode_t mode : {0777, 0775, 0757}) {
      ASSERT_EQ(::chmod(above.c_str(), mode), 0);
      EXPECT_EQ(folder_trust_problem(keys, "the state file"),
                "folder " + above + " (on the way to " + keys + "): permissions " + mode_text(mode) +
                    " let group or others rename what is in it, and so replace the state file (chmod go-w " + above +
                    ")");
    }
    // Sticky and root's or this user's, as /tmp: nobody else may rename what is in it.
    ASSERT_EQ(::chmod(above.c_str(), 01777), 0);
    EXPECT_EQ(folder_trust_problem(keys, "the state file"), std::nullopt) << above;
    ASSERT_EQ(::chmod(above.c_str(), 0755), 0);
  }
  // The folder itself is named first: the likeliest fault.
  ASSERT_EQ(::chmod(a.c_str(), 0777), 0);
  ASSERT_EQ(::chmod(keys.c_str(), 0770), 0);
  EXPECT_EQ(folder_trust_problem(keys, "the state file")->rfind("folder " + keys + ": permissions 0770", 0), 0u);
  ASSERT_EQ(::chmod(keys.c_str(), 0700), 0);
  // A folder that is not there yet (keygen makes it) is judged as far as the way exists.
  EXPECT_NE(folder_trust_problem(keys + "/new/deeper", "the key files"), std::nullopt);
  ASSERT_EQ(::chmod(a.c_str(), 0755), 0);
  EXPECT_EQ(folder_trust_problem(keys + "/new/deeper", "the key files"), std::nullopt);
}

TEST_F(FolderTrustTest, ARelativePathIsJudgedFromTheRootThroughTheWorkingFolder) {
  const std::string keys = folder("cwd/keys", 0700);
  const fs::path before = fs::current_path();
  fs::current_path(root_ / "cwd");
  ASSERT_EQ(::chmod(root_.c_str(), 0777), 0);
  const auto e = folder_trust_problem("keys", "the key files");
  const auto dot = folder_trust_problem(".", "the key files");
  const auto up = folder_trust_problem("../cwd/./keys", "the key files");
  ASSERT_EQ(::chmod(root_.c_str(), 0755), 0);
  const auto fine = folder_trust_problem("keys", "the key files");
  fs::current_path(before);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->rfind("folder " + root_.string() + " (on the way to keys): permissions 0777", 0), 0u) << *e;
  EXPECT_TRUE(dot);
  EXPECT_TRUE(up);
  EXPECT_EQ(fine, std::nullopt);
}

// A link on the way is followed as the kernel follows it: the folders it leads through count, and
// so does the folder it lies in (whoever may write that may point it elsewhere).
TEST_F(FolderTrustTest, ALinkOnTheWayIsFollowedAndWhereItLiesCounts) {
  const std::string real = folder("real/keys", 0700);
  const std::string open = folder("open", 0777);
  const std::string safe = folder("safe", 0755);
  fs::create_symlink(real, fs::path(open) / "keys");
  fs::create_symlink(real, fs::path(safe) / "keys");
  fs::create_symlink("../real", fs::path(safe) / "relative");
  const auto through_open = folder_trust_problem(open + "/keys", "the key files");
  ASSERT_TRUE(through_open);
  EXPECT_EQ(through_open->rfind("folder " + open + " (on the way to " + open + "/keys): permissions 0777", 0), 0u)
      << *through_open;
  EXPECT_EQ(folder_trust_problem(safe + "/keys", "the key files"), std::nullopt);
  EXPECT_EQ(folder_trust_problem(safe + "/relative/keys", "the key files"), std::nullopt);
  // What the link leads to is judged where it is.
  const std::string real_parent = (root_ / "real").string();
  ASSERT_EQ(::chmod(real_parent.c_str(), 0775), 0);
  const auto via = folder_trust_problem(safe + "/relative/keys", "the key files");
  ASSERT_TRUE(via);
  EXPECT_EQ(via->rfind("folder " + real_parent + " (on the way to", 0), 0u) << *via;
  EXPECT_EQ(folder_trust_problem(safe + "/keys", "the key files")->rfind("folder " + real_parent + " (", 0), 0u);
  ASSERT_EQ(::chmod(real_parent.c_str(), 0755), 0);
  // The folder a link names is the folder itself: judged as the last one.
  ASSERT_EQ(::chmod(real.c_str(), 0770), 0);
  EXPECT_EQ(folder_trust_problem(safe + "/keys", "the key files")->rfind("folder " + real + ": permissions 0770", 0),
            0u);
  ASSERT_EQ(::chmod(real.c_str(), 0700), 0);
  // A loop of links ends the walk as it ends an open, with what was passed judged.
  fs::create_symlink(fs::path(safe) / "loop", fs::path(safe) / "loop");
  EXPECT_EQ(folder_trust_problem(safe + "/loop/keys", "the key files"), std::nullopt);
}

TEST_F(FolderTrustTest, AFolderAnotherUserOwnsIsRefusedUnlessItIsTheDaemonsUser) {
  if (::geteuid() != 0) GTEST_SKIP() << "giving a folder another owner needs root";
  const std::string dir = folder("theirs/state", 0700);
  const std::string theirs = (root_ / "theirs").string();
  ASSERT_EQ(::chown(dir.c_str(), 4242, 4242), 0);
  EXPECT_EQ(folder_trust_problem(dir, "the state file"),
            "folder " + dir + ": owned by uid 4242, not by this user or root, who could replace the state file in it");
  EXPECT_EQ(folder_trust_problem(dir, "the state file", 4242), std::nullopt);
  const auto other = folder_trust_problem(dir, "the state file", 4343);
  ASSERT_TRUE(other);
  EXPECT_NE(other->find("not by this user or root or the user the daemon runs as (uid 4343)"), std::string::npos)
      << *other;
  // On the way too, sticky or not: an owner may chmod it.
  ASSERT_EQ(::chown(dir.c_str(), 0, 0), 0);
  for (mode_t mode : {0755, 01777}) {
    ASSERT_EQ(::chown(theirs.c_str(), 4242, 4242), 0);
    ASSERT_EQ(::chmod(theirs.c_str(), mode), 0);
    EXPECT_EQ(folder_trust_problem(dir, "the state file"),
              "folder " + theirs + " (on the way to " + dir +
                  "): owned by uid 4242, not by this user or root, who could rename what is in it, and so replace "
                  "the state file");
  }
  // A link someone else owns in a sticky folder others may write is theirs to point elsewhere.
  ASSERT_EQ(::chown(theirs.c_str(), 0, 0), 0);
  const std::string shared = folder("shared", 01777);
  const fs::path link = fs::path(shared) / "state";
  fs::create_symlink(dir, link);
  EXPECT_EQ(folder_trust_problem(link.string(), "the state file"), std::nullopt);
  ASSERT_EQ(::lchown(link.c_str(), 4242, 4242), 0);
  EXPECT_EQ(folder_trust_problem(link.string(), "the state file"),
            "link " + link.string() + " (on the way to " + link.string() +
                "): owned by uid 4242 in a folder others may write, who could point it elsewhere, and so replace "
                "the state file");
}

TEST_F(FolderTrustTest, WhatIsNoFolderEndsTheWalk) {
  EXPECT_EQ(folder_trust_problem((root_ / "missing").string(), "the key files"), std::nullopt);
  std::ofstream(root_ / "file") << "x";
  EXPECT_EQ(folder_trust_problem((root_ / "file").string(), "the key files"), std::nullopt);
  EXPECT_EQ(folder_trust_problem((root_ / "file/below").string(), "the key files"), std::nullopt);
}

}  // namespace
}  // namespace clocksim::daemon
