#include "daemon/os/syscall_filter.hpp"

#include <fcntl.h>
#include <seccomp.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

namespace clocksim::daemon {

std::optional<std::string> install_syscall_filter() {
  scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ERRNO(EPERM));
  if (ctx == nullptr) return std::string("seccomp_init failed");
  static const int kAllowed[] = {
      // event loop and sockets
      SCMP_SYS(poll), SCMP_SYS(ppoll), SCMP_SYS(read), SCMP_SYS(write), SCMP_SYS(writev), SCMP_SYS(recvfrom),
      SCMP_SYS(recvmsg), SCMP_SYS(sendto), SCMP_SYS(sendmsg), SCMP_SYS(getsockname), SCMP_SYS(close),
      // clocks: reading, and adjusting (the system backend; CAP_SYS_TIME decides the rest)
      SCMP_SYS(clock_gettime), SCMP_SYS(gettimeofday), SCMP_SYS(clock_settime), SCMP_SYS(settimeofday),
      SCMP_SYS(adjtimex), SCMP_SYS(clock_adjtime), SCMP_SYS(clock_nanosleep), SCMP_SYS(nanosleep),
      // memory and threads (allocation, OpenSSL, libstdc++)
      SCMP_SYS(brk), SCMP_SYS(mmap), SCMP_SYS(munmap), SCMP_SYS(mremap), SCMP_SYS(madvise), SCMP_SYS(mprotect),
      SCMP_SYS(futex), SCMP_SYS(getrandom), SCMP_SYS(sched_yield),
      // signals, exit, and what abort() needs
      SCMP_SYS(rt_sigreturn), SCMP_SYS(rt_sigprocmask), SCMP_SYS(rt_sigaction), SCMP_SYS(restart_syscall),
      SCMP_SYS(exit), SCMP_SYS(exit_group), SCMP_SYS(getpid), SCMP_SYS(gettid), SCMP_SYS(tgkill),
      // status report and shutdown (remove the control socket)
      SCMP_SYS(fstat), SCMP_SYS(newfstatat), SCMP_SYS(lseek), SCMP_SYS(fsync), SCMP_SYS(unlink), SCMP_SYS(capget),
      // the state file, opened at start-up: saves write in place (daemon/state/state_file.hpp)
      SCMP_SYS(pwrite64), SCMP_SYS(fdatasync),
      SCMP_SYS(getuid), SCMP_SYS(geteuid), SCMP_SYS(getgid), SCMP_SYS(getegid),
      // a reload judges the key file's path again (daemon/os/folder_trust.hpp): the links on it
      SCMP_SYS(readlink), SCMP_SYS(readlinkat),
#if defined(__SANITIZE_ADDRESS__)
      // The sanitizer build only (ASan with UBSan; GCC names no macro for UBSan alone): UBSan, before it reads an object's type to check a virtual call,
      // asks whether the memory is readable by writing it into a pipe; refused a pipe, it takes
      // every such object for a bad one and reports a false error.
      SCMP_SYS(pipe), SCMP_SYS(pipe2),
#endif
  };
  for (int sc : kAllowed) {
    if (seccomp_rule_add(ctx, SCMP_ACT_ALLOW, sc, 0) != 0) {
      seccomp_release(ctx);
      return "seccomp_rule_add failed for syscall " + std::to_string(sc);
    }
  }
  // Unix datagram sockets only: each control answer leaves from a socket of its own
  // (ControlSocket::serve), so that clients that never read cannot mute the control socket.
  if (seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(socket), 1, SCMP_A0(SCMP_CMP_EQ, AF_UNIX)) != 0) {
    seccomp_release(ctx);
    return std::string("seccomp_rule_add failed for socket");
  }
  // Reading files only (OpenSSL may look up its configuration lazily); never writing or creating.
  // O_TRUNC is refused too: with O_RDONLY, Linux still empties a file the user may write.
  if (seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(openat), 1,
                       SCMP_A2(SCMP_CMP_MASKED_EQ, O_ACCMODE | O_CREAT | O_TRUNC, O_RDONLY)) != 0) {
    seccomp_release(ctx);
    return std::string("seccomp_rule_add failed for openat");
  }
  const int rc = seccomp_load(ctx);
  seccomp_release(ctx);
  if (rc != 0) return std::string("seccomp_load: ") + std::strerror(-rc);
  return std::nullopt;
}

}  // namespace clocksim::daemon
