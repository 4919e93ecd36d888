#include "node/os/file_mode.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

namespace clocksim::node {
namespace {

TEST(FileMode, PrintsThePermissionBitsAsChmodTakesThem) {
  EXPECT_EQ(mode_text(S_IFREG | 0640), "0640");
  EXPECT_EQ(mode_text(S_IFDIR | 01777), "1777");  // the sticky bit of /tmp
  EXPECT_EQ(mode_text(S_IFREG | 04755), "4755");
  EXPECT_EQ(mode_text(0), "0000");
}

}  // namespace
}  // namespace clocksim::node
