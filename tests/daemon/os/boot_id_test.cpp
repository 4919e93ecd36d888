#include "daemon/os/boot_id.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace clocksim::daemon {
namespace {

TEST(BootId, TextRoundTripsAndAnythingElseIsNoBootId) {
  const auto id = parse_boot_id("6F1c2a8e-0d4b-4b53-9a55-1f2e3d4c5b6a");
  ASSERT_TRUE(id);
  EXPECT_EQ((*id)[0], 0x6f);
  EXPECT_EQ((*id)[15], 0x6a);
  EXPECT_EQ(boot_id_text(*id), "6f1c2a8e-0d4b-4b53-9a55-1f2e3d4c5b6a");
  EXPECT_EQ(boot_id_text(BootId{}), "00000000-0000-0000-0000-000000000000");
  EXPECT_EQ(parse_boot_id(boot_id_text(BootId{})), BootId{});
  for (const char* bad : {"", "6f1c2a8e0d4b4b539a551f2e3d4c5b6a", "6f1c2a8e-0d4b-4b53-9a55-1f2e3d4c5b6", "6f1c2a8e-0d4b-4b53-9a55-1f2e3d4c5b6a0",
                          "6f1c2a8e-0d4b-4b53-9a55_1f2e3d4c5b6a", "6f1c2a8e-0d4b-4b53-9a55-1f2e3d4c5b6g", "6f1c2a8e-0d4b-4b53-9a55-1f2e3d4c5b6\n"}) {
    EXPECT_FALSE(parse_boot_id(bad)) << bad;
  }
}

TEST(BootId, ThisBootsIdIsReadAndAnUnreadableOneIsUnknown) {
  const auto dir = std::filesystem::temp_directory_path() / ("clocksim-boot-id-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string good = (dir / "good").string(), bad = (dir / "bad").string();
  std::ofstream(good) << "6f1c2a8e-0d4b-4b53-9a55-1f2e3d4c5b6a\n";
  std::ofstream(bad) << "not a boot id\n";
  EXPECT_EQ(read_boot_id(good.c_str()), parse_boot_id("6f1c2a8e-0d4b-4b53-9a55-1f2e3d4c5b6a"));
  EXPECT_EQ(read_boot_id(bad.c_str()), BootId{});
  EXPECT_EQ(read_boot_id((dir / "missing").string().c_str()), BootId{});
  std::filesystem::remove_all(dir);
  // On Linux the kernel's is there, and it is not all zero.
  if (std::filesystem::exists(kBootIdPath)) {
    EXPECT_NE(read_boot_id(), BootId{});
  }
}

}  // namespace
}  // namespace clocksim::daemon
