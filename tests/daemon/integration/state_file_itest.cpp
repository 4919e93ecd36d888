// clocksyncd's state file end to end: real daemons under their system call filter save their
// logical clocks, and a node killed without a word comes back where it was, its new messages
// taken by its peer (not dropped as repeats of its old ones).
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "tests/daemon/integration/cluster_harness.hpp"

namespace clocksim::daemon::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

// A fresh folder for the daemons' state files, named after this test process. Only its owner may
// write it, whatever the umask: the daemons refuse a folder others may write (they could put a
// file of their own in a state file's place). Daemons that drop to nobody still save, through the
// file they opened before dropping.
std::filesystem::path shared_empty_dir(const std::string& prefix) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / (prefix + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  fs::permissions(dir, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec | fs::perms::others_read |
                           fs::perms::others_exec);
  return dir;
}

std::uint64_t stable(const ClusterHarness& c, std::size_t i, const char* key) {
  const auto s = c.status(i);
  return s ? (*s)["stable_state"][key].get<std::uint64_t>() : 0;
}
std::uint64_t counter(const ClusterHarness& c, std::size_t i, const char* key) {
  const auto s = c.status(i);
  return s ? (*s)["counters"][key].get<std::uint64_t>() : 0;
}

TEST(DaemonStateFile, ARestartedNodeGoesOnFromItsSavedClocksAndItsPeerTakesItsMessages) {
  const std::filesystem::path dir = shared_empty_dir("clocksyncd-state-itest-");
  std::vector<NodeSpec> nodes(2);
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    nodes[i].id = static_cast<std::uint32_t>(i + 1);  // ids 1 and 2: vector places 0 and 1
    // Node 2 does no events of its own: its Lamport time moves only with what it delivers.
    nodes[i].extra_args = {"--state-file", (dir / ("n" + std::to_string(i + 1) + ".state")).string(), "--set",
                           i == 0 ? "mean_interval=20ms" : "mean_interval=1000h"};
  }
  ClusterHarness c("state_file", nodes, {"--sync", "logical", "--set", "send_probability=1", "--set", "clock=vector"});
  c.start_all();
  ASSERT_TRUE(wait_until([&] { return stable(c, 0, "next_message_id") >= 20 && stable(c, 1, "lamport") >= 20; },
                         seconds(10)))
      << c.log_tail(0) << c.log_tail(1);
  EXPECT_GE(counter(c, 0, "state_saves"), 20u);
  EXPECT_EQ(counter(c, 0, "state_save_failures"), 0u) << c.log_tail(0);  // the filter lets it write
  c.kill_hard(0);
  const std::uint64_t next_id = stable(c, 0, "next_message_id");  // down: 0
  EXPECT_EQ(next_id, 0u);
  c.start(0);
  ASSERT_TRUE(wait_until([&] { return c.status(0).has_value(); }, seconds(5))) << c.log_tail(0);
  const std::uint64_t resumed_id = stable(c, 0, "next_message_id");
  const std::uint64_t resumed_lamport = stable(c, 0, "lamport");
  EXPECT_GE(resumed_id, 20u) << "the restart forgot its message ids";
  EXPECT_GE(resumed_lamport, 20u);
  // The peer delivers the restarted node's new messages: its Lamport time, moved by nothing else,
  // passes the restarted node's. (From zero, they would be taken for repeats of the old ones.)
  ASSERT_TRUE(wait_until([&] { return stable(c, 0, "next_message_id") >= resumed_id + 20; }, seconds(10))) << c.log_tail(0);
  EXPECT_TRUE(wait_until([&] { return stable(c, 1, "lamport") > resumed_lamport + 10; }, seconds(5))) << c.log_tail(1);
  for (std::size_t i = 0; i < c.size(); ++i) EXPECT_EQ(c.stop_gracefully(i, milliseconds(3000)), 0) << c.log_tail(i);
  std::filesystem::remove_all(dir);
}

// The clock guard's window survives a restart of a real daemon under its system call filter:
// node 2 starts 600 s ahead, so whichever of the two averages first moves by 300 s (within the
// threshold, counted) and the other has nothing left to correct. That node, killed without a
// word and started again, still counts the 300 s its earlier run carried out, and its state file
// keeps them on this boot's id.
TEST(DaemonStateFile, ARestartedNodeStillCountsTheCorrectionsOfItsEarlierRun) {
  const std::filesystem::path dir = shared_empty_dir("clocksyncd-state-window-itest-");
  std::vector<NodeSpec> nodes(2);
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    nodes[i].id = static_cast<std::uint32_t>(i + 1);
    nodes[i].offset_ms = i == 0 ? 0 : 600'000;
    nodes[i].extra_args = {"--state-file", (dir / ("n" + std::to_string(i + 1) + ".state")).string()};
  }
  ClusterHarness c("state_file_window", nodes, {"--sync", "neighbour_average", "--set", "period=200ms", "--set", "read_window=50ms"});
  c.start_all();
  auto moved_ns = [&](std::size_t i) {
    const auto s = c.status(i);
    return s ? (*s)["clock_window_moved_ns"].get<std::int64_t>() : std::int64_t{-1};
  };
  constexpr std::int64_t kMostOfTheStep = 250'000'000'000;
  std::size_t moved = c.size();
  ASSERT_TRUE(wait_until(
      [&] {
        for (std::size_t i = 0; i < c.size(); ++i) {
          if (moved_ns(i) >= kMostOfTheStep) moved = i;
        }
        return moved < c.size();
      },
      seconds(10)))
      << c.log_tail(0) << c.log_tail(1);
  const std::int64_t before = moved_ns(moved);
  EXPECT_LE(before, 1000'000'000'000);
  c.kill_hard(moved);
  c.start(moved);
  ASSERT_TRUE(wait_until([&] { return c.status(moved).has_value(); }, seconds(5))) << c.log_tail(moved);
  EXPECT_GE(moved_ns(moved), before) << "the restart forgot the corrections of its earlier run\n" << c.log_tail(moved);
  EXPECT_EQ(counter(c, moved, "state_save_failures"), 0u) << c.log_tail(moved);
  for (std::size_t i = 0; i < c.size(); ++i) EXPECT_EQ(c.stop_gracefully(i, milliseconds(3000)), 0) << c.log_tail(i);
  std::ifstream boot_file("/proc/sys/kernel/random/boot_id");
  std::string boot;
  if (std::getline(boot_file, boot)) {
    std::ifstream state(dir / ("n" + std::to_string(moved + 1) + ".state"), std::ios::binary);
    const std::string bytes{std::istreambuf_iterator<char>(state), {}};
    EXPECT_NE(bytes.find("\"boot_id\":\"" + boot + "\""), std::string::npos) << "no window on this boot's id";
  }
  std::filesystem::remove_all(dir);
}

// Saves that cannot be written (here a file-size limit below the state file's second half, which
// fails the write with EFBIG as a full disk fails it with ENOSPC) are logged and counted, and the
// node goes on. The limit, not a signal, is what the daemon meets: it ignores SIGXFSZ, which would
// otherwise end it at the first such write. The limit is the run's own, set before it starts (an
// unprivileged test cannot change another process's limits), on a state file an earlier run laid
// out, whose newest copy the test puts second: a start first keeps its run's epoch in the older
// copy (a start that cannot keep it does not start at all), so the first must be the older.
TEST(DaemonStateFile, AFailedSaveIsLoggedAndCountedAndTheNodeGoesOn) {
  const std::filesystem::path dir = shared_empty_dir("clocksyncd-state-limit-itest-");
  std::vector<NodeSpec> nodes(2);
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    nodes[i].id = static_cast<std::uint32_t>(i + 1);
    nodes[i].extra_args = {"--state-file", (dir / ("n" + std::to_string(i + 1) + ".state")).string(), "--set",
                           "mean_interval=20ms"};
  }
  ClusterHarness c("state_file_limit", nodes, {"--sync", "logical", "--set", "send_probability=1", "--set", "clock=vector"});
  c.start_all();
  ASSERT_TRUE(wait_until([&] { return counter(c, 0, "state_saves") >= 5; }, seconds(10))) << c.log_tail(0);
  ASSERT_EQ(c.stop_gracefully(0, milliseconds(3000)), 0) << c.log_tail(0);
  // Two copies of two 4096-byte pages each: the clock window at its widest takes more than one.
  constexpr std::size_t kHalf = 8192;
  ASSERT_EQ(std::filesystem::file_size(dir / "n1.state"), 2 * kHalf);

  // Each copy is 8 bytes of magic, then its generation (little-endian), and which copy is which
  // is only their place: the newest goes second.
  {
    std::fstream f(dir / "n1.state", std::ios::in | std::ios::out | std::ios::binary);
    std::string bytes(2 * kHalf, '\0');
    ASSERT_TRUE(f.read(bytes.data(), 2 * kHalf));
    auto generation = [&bytes](std::size_t at) {
      std::uint64_t g = 0;
      for (int b = 7; b >= 0; --b) g = g << 8 | static_cast<unsigned char>(bytes[at + 8 + static_cast<std::size_t>(b)]);
      return g;
    };
    if (generation(0) > generation(kHalf)) {
      f.seekp(0);
      ASSERT_TRUE(f.write(bytes.data() + kHalf, kHalf).write(bytes.data(), kHalf));
    }
  }

  // Again, with files limited to one copy's size: the first copy can be written, the second not. Its
  // log starts empty so that the limit leaves room for what this run writes there.
  const std::filesystem::path log = std::filesystem::path(c.status_address(0)).parent_path() / "n1.log";
  std::filesystem::resize_file(log, 0);
  rlimit before{};
  ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &before), 0);
  rlimit limited = before;
  limited.rlim_cur = kHalf;  // the soft limit only: this process takes its own back after the fork
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &limited), 0) << std::strerror(errno);
  c.start(0);
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &before), 0) << std::strerror(errno);
  ASSERT_TRUE(wait_until([&] { return counter(c, 0, "state_save_failures") >= 5; }, seconds(10))) << c.log_tail(0);
  const std::uint64_t failures = counter(c, 0, "state_save_failures");
  EXPECT_TRUE(wait_until([&] { return counter(c, 0, "state_save_failures") > failures; }, seconds(5)))
      << "the node stopped after its failed saves\n" << c.log_tail(0);
  const std::string text = c.log_tail(0, 100'000);
  EXPECT_NE(text.find("state_save_failed"), std::string::npos) << text;
  EXPECT_NE(text.find("File too large"), std::string::npos) << text;
  EXPECT_EQ(c.stop_gracefully(0, milliseconds(3000)), 0) << c.log_tail(0);

  // Without the limit the next run reads what was saved and saves again.
  c.start(0);
  EXPECT_TRUE(wait_until([&] { return counter(c, 0, "state_saves") >= 5; }, seconds(10))) << c.log_tail(0);
  EXPECT_EQ(counter(c, 0, "state_save_failures"), 0u);
  for (std::size_t i = 0; i < c.size(); ++i) EXPECT_EQ(c.stop_gracefully(i, milliseconds(3000)), 0) << c.log_tail(i);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace clocksim::daemon::testing
