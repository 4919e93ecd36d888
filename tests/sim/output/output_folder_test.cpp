#include "sim/output/output_folder.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

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

std::vector<std::string> names_in(const std::filesystem::path& dir) {
  std::vector<std::string> left;
  for (const auto& e : std::filesystem::directory_iterator(dir)) left.push_back(e.path().filename().string());
  std::sort(left.begin(), left.end());
  return left;
}

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(DiskFolder, FilesAppearTogetherOnPublish) {
  const auto dir = std::filesystem::temp_directory_path() / "clocksim_disk_folder_test";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string_view known[] = {"trace.csv", "summary.json"};
  {
    DiskFolder folder(dir.string());
    auto f = folder.create("summary.json");
    f->write("{}\n");
    f->commit();
    EXPECT_FALSE(std::filesystem::exists(dir / "summary.json"));
    auto g = folder.create("trace.csv");
    g->write("half");
    // Destroyed unpublished (a run that failed): nothing appears, no temporary stays.
  }
  EXPECT_TRUE(std::filesystem::is_empty(dir));
  {
    DiskFolder folder(dir.string());
    auto f = folder.create("summary.json");
    f->write("{}\n");
    f->commit();
    f.reset();  // a committed file outlives its writer
    auto g = folder.create("trace.csv");
    g->write("t\n");
    g->commit();
    for (const std::string& name : names_in(dir)) EXPECT_TRUE(name.starts_with('.') && name.find(".tmp.") != std::string::npos) << name;
    EXPECT_EQ(names_in(dir).size(), 2u);  // the two temporaries, nothing visible yet
    folder.publish(known);
  }
  EXPECT_EQ(names_in(dir), (std::vector<std::string>{"summary.json", "trace.csv"}));
  EXPECT_EQ(slurp(dir / "summary.json"), "{}\n");
  EXPECT_EQ(slurp(dir / "trace.csv"), "t\n");
  std::filesystem::remove_all(dir);
}

TEST(DiskFolder, PublishRemovesOnlyTheKnownFilesItDidNotWrite) {
  const auto dir = std::filesystem::temp_directory_path() / "clocksim_disk_folder_stale_test";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  for (const char* old : {"trace.csv", "messages.csv", "summary.json", "notes.txt"}) std::ofstream(dir / old) << "old\n";
  DiskFolder folder(dir.string());
  for (const char* name : {"trace.csv.gz", "summary.json"}) {
    auto f = folder.create(name);
    f->write("new");
    f->commit();
  }
  const std::string_view known[] = {"trace.csv", "trace.csv.gz", "messages.csv", "links.csv", "summary.json"};
  folder.publish(known);
  // The user's own file stays; the old run's files go or are replaced.
  EXPECT_EQ(names_in(dir), (std::vector<std::string>{"notes.txt", "summary.json", "trace.csv.gz"}));
  EXPECT_EQ(slurp(dir / "summary.json"), "new");
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace clocksim::sim
