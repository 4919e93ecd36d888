#include "sim/sweep/sweep_lock.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

namespace clocksim::sweep {
namespace {

namespace fs = std::filesystem;

class SweepLockTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = (fs::temp_directory_path() / ("clocksim_sweep_lock_" + std::to_string(::getpid()))).string();
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string dir_;
};

// flock(2) locks belong to the open file, so two locks taken in one process conflict as two
// processes' would.
TEST_F(SweepLockTest, OneWholeSweepAtATime) {
  auto first = std::make_unique<SweepLock>(dir_, Shard{});
  EXPECT_TRUE(fs::is_directory(dir_));
  try {
    SweepLock second(dir_, Shard{});
    FAIL() << "a second whole sweep took the folder";
  } catch (const SweepBusy& e) {
    EXPECT_NE(std::string(e.what()).find(dir_ + " is in use by another clocksim sweep"), std::string::npos) << e.what();
  }
  EXPECT_THROW(SweepLock(dir_, Shard{0, 2}), SweepBusy);
  first.reset();
  EXPECT_NO_THROW(SweepLock(dir_, Shard{}));  // released with its holder
}

TEST_F(SweepLockTest, ShardsRunSideBySideButEachOnlyOnce) {
  SweepLock a(dir_, Shard{0, 3});
  SweepLock b(dir_, Shard{1, 3});
  SweepLock c(dir_, Shard{2, 3});
  try {
    SweepLock again(dir_, Shard{1, 3});
    FAIL() << "shard 1/3 ran twice";
  } catch (const SweepBusy& e) {
    EXPECT_NE(std::string(e.what()).find("shard 1/3 is already running"), std::string::npos) << e.what();
  }
  EXPECT_THROW(SweepLock(dir_, Shard{}), SweepBusy);  // the whole sweep, or a merge, waits
}

// Shard 0/4 beside shard 0/2 would run runs 0, 4, 8, ... twice and clobber each other's partial
// folders: shards of another count are refused while any of these hold the folder, and taken
// once they are gone.
TEST_F(SweepLockTest, ShardsOfAnotherCountAreRefusedWhileTheseRun) {
  {
    SweepLock a(dir_, Shard{0, 2});
    try {
      SweepLock other(dir_, Shard{1, 4});
      FAIL() << "shard 1/4 ran beside shard 0/2";
    } catch (const SweepBusy& e) {
      EXPECT_NE(std::string(e.what()).find("shards of 2 are running there"), std::string::npos) << e.what();
    }
    SweepLock b(dir_, Shard{1, 2});  // the same count: side by side
  }
  SweepLock later(dir_, Shard{1, 4});
}

TEST_F(SweepLockTest, AFolderThatCannotBeMadeIsNamed) {
  fs::create_directories(fs::path(dir_).parent_path());
  const std::string file = dir_ + "-file";
  { std::ofstream(file) << "x"; }
  try {
    SweepLock(file + "/sub", Shard{});
    FAIL() << "a sweep folder under a file";
  } catch (const SweepFolderError& e) {
    EXPECT_NE(std::string(e.what()).find(file + " is a file, not a folder"), std::string::npos) << e.what();
  }
  fs::remove(file);
}

TEST_F(SweepLockTest, ADanglingLinkInTheWayIsNamed) {
  fs::create_directories(fs::path(dir_).parent_path());
  const std::string link = dir_ + "-link";
  fs::create_symlink(dir_ + "-gone", link);
  for (const std::string& asked : {link, link + "/sub"}) {
    try {
      SweepLock lock(asked, Shard{});
      FAIL() << "a sweep folder behind a dangling link: " << asked;
    } catch (const SweepFolderError& e) {
      const std::string what = e.what();
      EXPECT_NE(what.find(link + ": it is a symbolic link to " + dir_ + "-gone, which does not exist"), std::string::npos)
          << what;
    }
    EXPECT_FALSE(fs::exists(dir_ + "-gone"));
  }
  fs::remove(link);
}

}  // namespace
}  // namespace clocksim::sweep
