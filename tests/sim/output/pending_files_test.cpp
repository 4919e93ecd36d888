#include "sim/output/pending_files.hpp"

#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <climits>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "sim/output/atomic_file.hpp"

namespace clocksim::sim {
namespace pending_files_test {

namespace fs = std::filesystem;

fs::path fresh_dir(const std::string& tag) {
  const fs::path dir = fs::temp_directory_path() / ("clocksim_pending_" + tag + "_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

// Runs body in a forked child and returns its wait status; signal handlers and resource limits
// set there cannot leak into the test process.
int in_child(const std::function<int()>& body) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    int code = 99;
    try {
      code = body();
    } catch (...) {
      code = 98;
    }
    ::_exit(code);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  return status;
}

TEST(PendingFile, RegistersForItsLifetimeOnly) {
  const std::size_t before = pending_file_count();
  {
    PendingFile a("/tmp/a");
    PendingFile b("/tmp/b");
    EXPECT_TRUE(a.registered());
    EXPECT_EQ(pending_file_count(), before + 2);
    a.release();
    EXPECT_FALSE(a.registered());
    EXPECT_EQ(pending_file_count(), before + 1);
  }
  EXPECT_EQ(pending_file_count(), before);
}

TEST(PendingFile, SlotsRunOutWithoutHarm) {
  std::vector<std::unique_ptr<PendingFile>> many;
  for (std::size_t i = 0; i < kMaxPendingFiles + 10; ++i) many.push_back(std::make_unique<PendingFile>("/tmp/x" + std::to_string(i)));
  EXPECT_EQ(pending_file_count(), kMaxPendingFiles);
  EXPECT_FALSE(many.back()->registered());
  many.clear();
  EXPECT_EQ(pending_file_count(), 0u);
  EXPECT_FALSE(PendingFile(std::string(PATH_MAX + 10, 'a')).registered());
}

TEST(PendingFile, ASignalRemovesUnfinishedFilesAndStillEndsTheProcess) {
  for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE}) {
    const fs::path dir = fresh_dir("sig" + std::to_string(sig));
    const int status = in_child([&] {
      remove_pending_files_on_signals();
      AtomicFile committed((dir / "done.csv").string());
      committed.write("kept\n");
      committed.commit();
      AtomicFile trace((dir / "trace.csv").string());
      AtomicFile skew((dir / "skew.csv").string());
      trace.write(std::string(3 << 20, 'x'));  // some of it on disk already
      if (fs::is_empty(dir)) return 3;
      ::raise(sig);
      return 4;  // not reached: the signal ends the child
    });
    ASSERT_TRUE(WIFSIGNALED(status)) << "signal " << sig << ": status " << status;
    EXPECT_EQ(WTERMSIG(status), sig);
    std::vector<std::string> left;
    for (const auto& e : fs::directory_iterator(dir)) left.push_back(e.path().filename().string());
    EXPECT_EQ(left, std::vector<std::string>{"done.csv"}) << "signal " << sig;
    fs::remove_all(dir);
  }
}

// The handler, on another thread, may look at a slot between its registration and the file's
// creation; the creator then finds the removal started, removes the file itself and does nothing
// more until the signal ends the process.
TEST(PendingFile, AFileCreatedWhileTheHandlerRunsIsRemovedByItsCreator) {
  const fs::path dir = fresh_dir("race");
  const fs::path reached = dir / "reached";
  const pid_t pid = ::fork();
  if (pid == 0) {
    AtomicFile* file = nullptr;
    {
      PendingFile early((dir / ".early").string());  // what AtomicFile registers before fopen
      mark_pending_file_removal_started();
      std::FILE* f = std::fopen((dir / "reached").string().c_str(), "w");
      if (f) std::fclose(f);
      file = new AtomicFile((dir / "trace.csv").string());  // registers, creates, finds the removal started
    }
    (void)file;
    ::_exit(5);  // not reached: created() parks the thread
  }
  ASSERT_GT(pid, 0);
  bool parked = false;
  for (int i = 0; i < 500 && !parked; ++i) {
    ::usleep(10'000);
    std::vector<std::string> left;
    for (const auto& e : fs::directory_iterator(dir)) left.push_back(e.path().filename().string());
    parked = fs::exists(reached) && left == std::vector<std::string>{"reached"};
  }
  int status = 0;
  EXPECT_EQ(::waitpid(pid, &status, WNOHANG), 0) << "the creator must wait for the signal, not go on";
  ::kill(pid, SIGKILL);
  ::waitpid(pid, &status, 0);
  EXPECT_TRUE(parked) << "the temporary created after the handler looked was left behind";
  fs::remove_all(dir);
}

TEST(PendingFile, AnIgnoredSignalStaysIgnored) {
  const fs::path dir = fresh_dir("ignored");
  const int status = in_child([&] {
    std::signal(SIGHUP, SIG_IGN);
    remove_pending_files_on_signals();
    AtomicFile trace((dir / "trace.csv").string());
    trace.write("x");
    ::raise(SIGHUP);
    trace.commit();
    return 0;
  });
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  EXPECT_TRUE(fs::exists(dir / "trace.csv"));
  fs::remove_all(dir);
}

// A write the system refuses (here a file-size limit; a full disk is the same) stops the writer
// at the block that failed, names the file and the reason, and leaves nothing behind.
TEST(AtomicFile, AWriteErrorThrowsAtOnceAndLeavesNothing) {
  const fs::path dir = fresh_dir("fsize");
  const int status = in_child([&] {
    remove_pending_files_on_signals();  // ignores SIGXFSZ, so the limit is an error, not a kill
    rlimit limit{};
    ::getrlimit(RLIMIT_FSIZE, &limit);
    limit.rlim_cur = 256 * 1024;
    if (::setrlimit(RLIMIT_FSIZE, &limit) != 0) return 5;
    AtomicFile trace((dir / "trace.csv").string());
    const std::string row(1000, 'r');
    std::size_t written = 0;
    try {
      for (; written < (64u << 20); written += row.size()) trace.write(row);
    } catch (const std::runtime_error& e) {
      const std::string what = e.what();
      if (what.find("trace.csv") == std::string::npos) return 6;
      if (what.find("File too large") == std::string::npos) return 7;
      // The first block that did not fit stopped it: at most two blocks were buffered.
      return written <= (2u << 20) ? 0 : 8;
    }
    return 9;
  });
  ASSERT_TRUE(WIFEXITED(status)) << status;
  EXPECT_EQ(WEXITSTATUS(status), 0);
  EXPECT_TRUE(fs::is_empty(dir));
  fs::remove_all(dir);
}

}  // namespace pending_files_test
}  // namespace clocksim::sim
