#include "sim/output/output_folder.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <barrier>
#include <chrono>
#include <thread>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "tests/sim/output/folder_contents.hpp"

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

using testing::names_in;
using testing::slurp;

TEST(DiskFolder, FilesAppearTogetherOnPublish) {
  const auto dir = std::filesystem::temp_directory_path() / ("clocksim_disk_folder_test-" + std::to_string(::getpid()));
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
  const auto dir = std::filesystem::temp_directory_path() / ("clocksim_disk_folder_stale_test-" + std::to_string(::getpid()));
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

// A destination that cannot be replaced (here a folder named summary.json, the last file renamed
// in) fails the publish with the earlier run's files all still in place, none of the new ones.
TEST(DiskFolder, APublishThatCannotFinishLeavesTheFolderAsItWas) {
  const auto dir = std::filesystem::temp_directory_path() / ("clocksim_disk_folder_undo_test-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir / "summary.json");
  for (const char* old : {"trace.csv", "messages.csv"}) std::ofstream(dir / old) << "old\n";
  {
    DiskFolder folder(dir.string());
    for (const char* name : {"trace.csv", "skew.csv", "summary.json"}) {
      auto f = folder.create(name);
      f->write("new");
      f->commit();
    }
    const std::string_view known[] = {"trace.csv", "skew.csv", "messages.csv", "summary.json"};
    try {
      folder.publish(known);
      ADD_FAILURE() << "published over a folder";
    } catch (const std::runtime_error& e) {
      EXPECT_NE(std::string(e.what()).find("summary.json: Is a directory"), std::string::npos) << e.what();
    }
  }
  EXPECT_EQ(names_in(dir), (std::vector<std::string>{"messages.csv", "summary.json", "trace.csv"}));
  EXPECT_EQ(slurp(dir / "trace.csv"), "old\n");
  EXPECT_EQ(slurp(dir / "messages.csv"), "old\n");
  EXPECT_TRUE(std::filesystem::is_directory(dir / "summary.json"));
  std::filesystem::remove_all(dir);
}

// Two runs publishing into one folder at once: the folder ends with the whole of one run, never
// one run's trace beside the other's summary.
TEST(DiskFolder, TwoRunsPublishingAtOnceNeverMixTheirFiles) {
  const auto dir = std::filesystem::temp_directory_path() / ("clocksim_disk_folder_race_test-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string_view known[] = {"a.csv", "b.csv", "c.csv", "d.csv"};
  constexpr int kRounds = 300;
  std::barrier both(2);
  int mixed = 0;
  // Each round: both write their files, publish at the same moment, then `looker` checks the folder.
  auto run = [&](const std::string& tag, bool looker) {
    for (int round = 0; round < kRounds; ++round) {
      DiskFolder folder(dir.string());
      for (std::string_view name : known) {
        auto f = folder.create(std::string(name));
        f->write(tag);
        f->commit();
      }
      both.arrive_and_wait();
      folder.publish(known);
      both.arrive_and_wait();
      if (looker) {
        const std::string first = slurp(dir / "a.csv");
        for (std::string_view name : known) mixed += slurp(dir / std::string(name)) != first ? 1 : 0;
      }
      both.arrive_and_wait();
    }
  };
  std::thread x([&] { run("x", false); });
  std::thread y([&] { run("y", true); });
  x.join();
  y.join();
  EXPECT_EQ(mixed, 0) << "files of two runs side by side in " << mixed << " checks";
  EXPECT_EQ(names_in(dir), (std::vector<std::string>{"a.csv", "b.csv", "c.csv", "d.csv"}));
  std::filesystem::remove_all(dir);
}

// The lock is an flock on the folder: a publish waits while another process holds it.
TEST(DiskFolder, PublishWaitsForTheFolderLock) {
  const auto dir = std::filesystem::temp_directory_path() / ("clocksim_disk_folder_lock_test-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const int held = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  ASSERT_GE(held, 0);
  ASSERT_EQ(::flock(held, LOCK_EX), 0);
  const std::string_view known[] = {"summary.json"};
  std::atomic<bool> done{false};
  std::thread publisher([&] {
    DiskFolder folder(dir.string());
    auto f = folder.create("summary.json");
    f->write("{}\n");
    f->commit();
    folder.publish(known);
    done = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_FALSE(done.load());
  EXPECT_FALSE(std::filesystem::exists(dir / "summary.json"));
  ::close(held);  // releases the lock
  publisher.join();
  EXPECT_TRUE(done.load());
  EXPECT_EQ(slurp(dir / "summary.json"), "{}\n");
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace clocksim::sim
