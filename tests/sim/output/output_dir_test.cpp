#include "sim/output/output_dir.hpp"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <string>

#include "sim/output/atomic_file.hpp"
#include "sim/output/pending_files.hpp"

namespace clocksim::sim {
namespace {

namespace fs = std::filesystem;

fs::path fresh_dir(const std::string& tag) {
  const fs::path dir = fs::temp_directory_path() / ("clocksim_outdir_" + tag + "_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

TEST(OutputDir, TakesAwayOnlyTheFoldersItMadeUnlessKept) {
  const fs::path dir = fresh_dir("plain");
  {
    OutputDir made((dir / "a" / "b" / "c").string());
    EXPECT_TRUE(fs::is_directory(dir / "a" / "b" / "c"));
  }
  EXPECT_TRUE(fs::is_directory(dir));
  EXPECT_FALSE(fs::exists(dir / "a"));
  {
    OutputDir made((dir / "a" / "b").string());
    made.keep();
  }
  EXPECT_TRUE(fs::is_directory(dir / "a" / "b"));
  EXPECT_EQ(pending_file_count(), 0u) << "a kept folder is no longer pending";
  fs::remove_all(dir);
}

TEST(OutputDir, AFileInTheWayIsNamed) {
  const fs::path dir = fresh_dir("file");
  { AtomicFile f((dir / "x").string()); f.write("x"); f.commit(); }
  try {
    OutputDir made((dir / "x" / "y").string());
    FAIL() << "a file in the way was accepted";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find((dir / "x").string() + " is a file, not a folder"), std::string::npos) << e.what();
  }
  fs::remove_all(dir);
}

// A symbolic link that leads nowhere, as the folder or one of its parents: named as a dangling
// link with its target (the system says "File exists"), and nothing is made.
TEST(OutputDir, ADanglingLinkInTheWayIsNamed) {
  const fs::path dir = fresh_dir("dangling");
  fs::create_symlink(dir / "gone", dir / "link");
  for (const fs::path& asked : {dir / "link", dir / "link" / "run"}) {
    try {
      OutputDir made(asked.string());
      FAIL() << "a dangling link was taken for a folder: " << asked;
    } catch (const std::runtime_error& e) {
      const std::string what = e.what();
      EXPECT_NE(what.find((dir / "link").string() + ": it is a symbolic link to " + (dir / "gone").string() +
                          ", which does not exist (a dangling link"),
                std::string::npos)
          << what;
    }
    EXPECT_FALSE(fs::exists(dir / "gone"));
    EXPECT_TRUE(fs::is_symlink(dir / "link"));
  }
  fs::remove_all(dir);
}

// A run killed before it publishes leaves neither its temporaries nor the folders it made for
// them; a folder that holds a file someone kept (or that was there before) stays.
TEST(OutputDir, ASignalTakesAwayTheEmptyFoldersItMade) {
  for (int sig : {SIGINT, SIGTERM}) {
    const fs::path dir = fresh_dir("sig" + std::to_string(sig));
    const pid_t pid = ::fork();
    if (pid == 0) {
      remove_pending_files_on_signals();
      OutputDir run((dir / "out" / "run" / "deep").string());
      OutputDir other((dir / "kept" / "run").string());
      AtomicFile committed((dir / "kept" / "run" / "done.csv").string());
      committed.write("kept\n");
      committed.commit();
      AtomicFile trace((dir / "out" / "run" / "deep" / "trace.csv").string());
      trace.write(std::string(1 << 20, 'x'));
      ::raise(sig);
      ::_exit(4);  // not reached
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    ASSERT_TRUE(WIFSIGNALED(status)) << status;
    EXPECT_EQ(WTERMSIG(status), sig);
    EXPECT_TRUE(fs::is_directory(dir));
    EXPECT_FALSE(fs::exists(dir / "out")) << "signal " << sig;
    EXPECT_TRUE(fs::exists(dir / "kept" / "run" / "done.csv")) << "signal " << sig;
    fs::remove_all(dir);
  }
}

}  // namespace
}  // namespace clocksim::sim
