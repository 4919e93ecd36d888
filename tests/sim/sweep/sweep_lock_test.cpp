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

TEST_F(SweepLockTest, AFolderThatCannotHoldTheLockFileIsAnError) {
  fs::create_directories(fs::path(dir_).parent_path());
  const std::string file = dir_ + "-file";
  { std::ofstream(file) << "x"; }
  EXPECT_THROW(SweepLock(file + "/sub", Shard{}), std::exception);
  fs::remove(file);
}

}  // namespace
}  // namespace clocksim::sweep
