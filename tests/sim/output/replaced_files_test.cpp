#include "sim/output/replaced_files.hpp"

#include <unistd.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "tests/sim/output/folder_contents.hpp"

namespace clocksim::sim {
namespace {

using testing::names_in;
using testing::slurp;

std::filesystem::path fresh_dir(const char* name) {
  const auto dir = std::filesystem::temp_directory_path() / (std::string(name) + "-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

// A swap that stops after some new files are in: the old files come back, the new ones go,
// whether or not a file stood at the name before.
TEST(ReplacedFiles, NotKeptPutsTheOldFilesBack) {
  const auto dir = fresh_dir("clocksim_replaced_files_undo_test");
  std::ofstream(dir / "a.csv") << "old a";
  std::ofstream(dir / "c.csv") << "old c";
  {
    ReplacedFiles replaced;
    for (const char* name : {"a.csv", "b.csv", "c.csv"}) replaced.set_aside((dir / name).string());
    EXPECT_EQ(names_in(dir).size(), 2u);  // a and c under hidden names
    EXPECT_FALSE(std::filesystem::exists(dir / "a.csv"));
    for (const char* name : {"a.csv", "b.csv"}) {
      std::ofstream(dir / name) << "new";
      replaced.placed((dir / name).string());
    }
  }
  EXPECT_EQ(names_in(dir), (std::vector<std::string>{"a.csv", "c.csv"}));
  EXPECT_EQ(slurp(dir / "a.csv"), "old a");
  EXPECT_EQ(slurp(dir / "c.csv"), "old c");
  std::filesystem::remove_all(dir);
}

TEST(ReplacedFiles, KeptDeletesTheOldFiles) {
  const auto dir = fresh_dir("clocksim_replaced_files_keep_test");
  std::ofstream(dir / "a.csv") << "old a";
  std::ofstream(dir / "gone.csv") << "old";
  {
    ReplacedFiles replaced;
    for (const char* name : {"a.csv", "gone.csv"}) replaced.set_aside((dir / name).string());
    std::ofstream(dir / "a.csv") << "new";
    replaced.placed((dir / "a.csv").string());
    replaced.keep_new();
  }
  EXPECT_EQ(names_in(dir), (std::vector<std::string>{"a.csv"}));
  EXPECT_EQ(slurp(dir / "a.csv"), "new");
  std::filesystem::remove_all(dir);
}

// A folder cannot be set aside as a file would be: that would let the run delete it.
TEST(ReplacedFiles, AFolderInTheWayIsRefusedAndEarlierFilesComeBack) {
  const auto dir = fresh_dir("clocksim_replaced_files_folder_test");
  std::ofstream(dir / "a.csv") << "old a";
  std::filesystem::create_directories(dir / "b.csv" / "inside");
  {
    ReplacedFiles replaced;
    replaced.set_aside((dir / "a.csv").string());
    EXPECT_THROW(replaced.set_aside((dir / "b.csv").string()), std::runtime_error);
  }
  EXPECT_EQ(names_in(dir), (std::vector<std::string>{"a.csv", "b.csv"}));
  EXPECT_EQ(slurp(dir / "a.csv"), "old a");
  EXPECT_TRUE(std::filesystem::is_directory(dir / "b.csv" / "inside"));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace clocksim::sim
