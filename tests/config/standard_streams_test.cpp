#include "config/standard_streams.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <string>

namespace clocksim::config {
namespace {

// Runs `child` in a forked process (the standard descriptors are process state) and returns its
// exit status; what it writes to descriptor 2 goes to `stderr_file`.
int in_child(const std::function<int()>& child, const std::string& stderr_file) {
  std::fflush(nullptr);
  const pid_t pid = ::fork();
  if (pid == 0) {
    const int err = ::open(stderr_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ::dup2(err, 2);
    ::close(err);
    std::_Exit(child());
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

bool is_dev_null(int fd) {
  struct stat a {}, b {};
  return ::fstat(fd, &a) == 0 && ::stat("/dev/null", &b) == 0 && a.st_rdev == b.st_rdev && S_ISCHR(a.st_mode);
}

class StandardStreams : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("clocksim_standard_streams_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string path(const char* name) const { return (dir_ / name).string(); }
  std::filesystem::path dir_;
};

// With 0 and 1 closed, a file the program opens would take descriptor 0 or 1, and what it prints
// would go into that file. Afterwards both are /dev/null and the file gets 3 or above.
TEST_F(StandardStreams, ClosedDescriptorsAreHeldByDevNullSoThatNoFileTakesTheirPlace) {
  const std::string file = path("output.csv");
  const int status = in_child(
      [&] {
        ::close(0);
        ::close(1);
        if (!keep_standard_descriptors_open()) return 10;
        if (!is_dev_null(0) || !is_dev_null(1)) return 11;
        const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (fd < 3) return 12;
        std::printf("report line\n");
        std::fflush(stdout);
        const char row[] = "t_ns,offset_ns\n";
        if (::write(fd, row, sizeof row - 1) != static_cast<ssize_t>(sizeof row - 1)) return 13;
        ::close(fd);
        return 0;
      },
      path("stderr"));
  EXPECT_EQ(status, 0) << "10: refused, 11: not /dev/null, 12: the file took a standard number, 13: write";
  EXPECT_EQ(read_file(file), "t_ns,offset_ns\n");
  // All three closed: the same, stderr included.
  EXPECT_EQ(in_child(
                [] {
                  ::close(0);
                  ::close(1);
                  ::close(2);
                  return keep_standard_descriptors_open() && is_dev_null(0) && is_dev_null(1) && is_dev_null(2) ? 0 : 1;
                },
                path("stderr")),
            0);
  // Open ones are left as they are.
  EXPECT_EQ(in_child([] { return keep_standard_descriptors_open() && !is_dev_null(2) ? 0 : 1; }, path("stderr")), 0);
}

// Standard output on a full disk: the program's exit code becomes 2 and the reason is named, for
// text still in the buffer and for text whose write failed earlier.
TEST_F(StandardStreams, AFailedWriteToStandardOutputIsAnErrorNamingTheReason) {
  const auto to_full_disk = [](const std::function<void()>& print) {
    return [print] {
      const int full = ::open("/dev/full", O_WRONLY);
      if (full < 0) return 20;
      ::dup2(full, 1);
      ::close(full);
      print();
      return finish_standard_output("prog", 0);
    };
  };
  EXPECT_EQ(in_child(to_full_disk([] { std::printf("a short report\n"); }), path("stderr")), 2);
  EXPECT_EQ(read_file(path("stderr")), "prog: cannot write to standard output: No space left on device\n");
  EXPECT_EQ(in_child(to_full_disk([] { std::cout << std::string(100000, 'x') << std::endl; }), path("stderr")), 2);
  EXPECT_EQ(read_file(path("stderr")).rfind("prog: cannot write to standard output: ", 0), 0u) << read_file(path("stderr"));
  // Everything written: the exit code is the program's own.
  const std::string out = path("stdout");
  EXPECT_EQ(in_child(
                [&] {
                  const int fd = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
                  ::dup2(fd, 1);
                  ::close(fd);
                  std::printf("%s\n", "fine");
                  std::cout << "also fine\n";
                  return finish_standard_output("prog", 1);
                },
                path("stderr")),
            1);
  EXPECT_EQ(read_file(out), "fine\nalso fine\n");
  EXPECT_EQ(read_file(path("stderr")), "");
}

}  // namespace
}  // namespace clocksim::config
