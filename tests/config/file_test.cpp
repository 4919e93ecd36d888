#include "config/file.hpp"

#include <unistd.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "config/error.hpp"

namespace clocksim::config {
namespace {

std::string write_temp(const std::string& name, const std::string& text) {
  const auto path = std::filesystem::temp_directory_path() / (name + "-" + std::to_string(::getpid()));
  std::ofstream(path, std::ios::binary) << text;
  return path.string();
}

TEST(ReadBounded, ReadsAFileUpToItsLimitAndSaysWhenThereIsMore) {
  const std::string path = write_temp("clocksim_read_bounded.txt", std::string(70'000, 'x') + "end");
  const BoundedText whole = read_bounded(path, 70'003);
  EXPECT_TRUE(whole.opened);
  EXPECT_TRUE(whole.complete);
  EXPECT_EQ(whole.text.size(), 70'003u);
  EXPECT_EQ(whole.text.substr(70'000), "end");
  const BoundedText cut = read_bounded(path, 70'002);
  EXPECT_TRUE(cut.opened);
  EXPECT_FALSE(cut.complete);
  EXPECT_TRUE(cut.text.empty());
  EXPECT_FALSE(read_bounded("/nonexistent/clocksim.txt", 10).opened);
  std::filesystem::remove(path);
}

// A device that never ends must stop at the limit, not fill memory (file_size() knows nothing
// of it).
TEST(ReadBounded, ADeviceThatNeverEndsStopsAtTheLimit) {
  const BoundedText zero = read_bounded("/dev/zero", 1 << 20);
  EXPECT_TRUE(zero.opened);
  EXPECT_FALSE(zero.complete);
  try {
    (void)read_text_file("/dev/zero", "scenario file");
    ADD_FAILURE() << "/dev/zero read as a scenario";
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()), "/dev/zero:1:1: error: file is larger than 16777216 bytes");
  }
  EXPECT_EQ(read_text_file("/dev/null", "scenario file"), "");
}

}  // namespace
}  // namespace clocksim::config
