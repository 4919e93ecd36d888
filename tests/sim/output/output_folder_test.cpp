#include "sim/output/output_folder.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace clocksim::sim {
namespace {

TEST(MemoryFolder, KeepsOnlyCommittedFilesWithTheirBytes) {
  MemoryFolder folder;
  {
    auto a = folder.create("a.csv");
    a->write("x,y\n");
    a->write("1,2\n");
    a->commit();
    auto b = folder.create("b.csv");
    b->write("never committed");
  }
  ASSERT_EQ(folder.files().size(), 1u);
  EXPECT_EQ(folder.files().at("a.csv"), "x,y\n1,2\n");
}

TEST(DiskFolder, FilesAppearOnlyOnCommit) {
  const auto dir = std::filesystem::temp_directory_path() / "clocksim_disk_folder_test";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  DiskFolder folder(dir.string());
  {
    auto f = folder.create("summary.json");
    f->write("{}\n");
    EXPECT_FALSE(std::filesystem::exists(dir / "summary.json"));
    f->commit();
    auto g = folder.create("trace.csv");
    g->write("half");
  }
  std::ifstream in(dir / "summary.json");
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(text.str(), "{}\n");
  EXPECT_FALSE(std::filesystem::exists(dir / "trace.csv"));
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir), std::filesystem::directory_iterator{}), 1);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace clocksim::sim
