#include "config/standard_streams.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <string>

namespace clocksim::config {

bool keep_standard_descriptors_open() {
  for (int fd = 0; fd <= 2; ++fd) {
    if (::fcntl(fd, F_GETFD) != -1 || errno != EBADF) continue;
    // The lowest free number is `fd` itself, since those below it are open by now.
    const int opened = ::open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY);
    if (opened != fd) {
      if (opened >= 0) ::close(opened);
      return false;
    }
  }
  return true;
}

int finish_standard_output(std::string_view program, int exit_code) {
  // std::cout writes straight into stdout's buffer (it is synchronised with stdio), so flushing
  // stdout first sends both, and its errno is the reason when that write fails.
  errno = 0;
  const bool flushed = std::fflush(stdout) == 0;
  const int flush_errno = errno;
  std::cout.flush();
  if (flushed && !std::ferror(stdout) && std::cout.good()) return exit_code;
  // A write that failed earlier left its error in the stream, not in errno.
  const std::string reason = !flushed && flush_errno != 0
                                 ? std::strerror(flush_errno)
                                 : "a write failed (a full disk, a closed pipe or a device error)";
  std::cerr << program << ": cannot write to standard output: " << reason << "\n";
  return 2;
}

}  // namespace clocksim::config
