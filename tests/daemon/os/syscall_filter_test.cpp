#include "daemon/os/syscall_filter.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

namespace clocksim::daemon {
namespace {

// Ends the filtered child. Not _exit: before any call that does not return, AddressSanitizer
// (the asan preset) asks the kernel for the signal stack, which the filter refuses, and its
// check then fails the child. A plain system call is no such call.
void end_child(int code) { ::syscall(SYS_exit_group, code); }

// What the filtered process may do to a file it can write, run in a child (a filter cannot be
// taken back): each open mode's result as one character, '+' allowed, '-' refused.
std::string open_modes_allowed_under_filter(const std::string& path) {
  int pipe_fds[2];
  if (::pipe(pipe_fds) != 0) return "pipe failed";
  const pid_t child = ::fork();
  if (child == 0) {
    ::close(pipe_fds[0]);
    std::string out;
    if (install_syscall_filter()) end_child(3);
    const int modes[] = {O_RDONLY, O_RDONLY | O_TRUNC, O_WRONLY, O_RDWR, O_RDONLY | O_CREAT};
    for (int m : modes) {
      const int fd = ::openat(AT_FDCWD, path.c_str(), m | O_CLOEXEC, 0600);
      out += fd >= 0 ? '+' : '-';
      if (fd >= 0) ::close(fd);
    }
    (void)!::write(pipe_fds[1], out.data(), out.size());
    end_child(0);
  }
  ::close(pipe_fds[1]);
  char buf[16] = {};
  const ssize_t n = ::read(pipe_fds[0], buf, sizeof buf);
  ::close(pipe_fds[0]);
  int status = 0;
  ::waitpid(child, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return "child failed";
  return std::string(buf, n > 0 ? static_cast<std::size_t>(n) : 0);
}

// Reading files stays possible, writing them never: O_TRUNC with O_RDONLY empties a file on
// Linux (given write permission), so the filter refuses it as it refuses a write mode, and a bug
// in packet handling cannot wipe the key file or the state file the daemon's user owns.
TEST(SyscallFilter, FilesOpenForReadingOnlyNeverTruncated) {
  const auto dir = std::filesystem::temp_directory_path() / ("sc_filter_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "victim").string();
  { std::ofstream(path) << "keep me\n"; }
  ::chmod(path.c_str(), 0600);
  EXPECT_EQ(open_modes_allowed_under_filter(path), "+----");
  EXPECT_EQ(std::filesystem::file_size(path), 8u);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace clocksim::daemon
