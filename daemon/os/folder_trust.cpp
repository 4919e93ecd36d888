#include "daemon/os/folder_trust.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>

namespace clocksim::daemon {
namespace {

std::string mode_text(mode_t m) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(m & 07777));
  return buf;
}

}  // namespace

std::optional<std::string> folder_trust_problem(const std::string& dir, std::string_view contents,
                                                std::optional<std::uint32_t> also_uid) {
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) return std::nullopt;
  const std::string what(contents);
  if ((st.st_mode & 022) != 0 && (st.st_mode & S_ISVTX) == 0) {
    return dir + ": permissions " + mode_text(st.st_mode) + " let group or others replace " + what +
           " in it (chmod go-w " + dir + ")";
  }
  if (st.st_uid != 0 && st.st_uid != ::geteuid() && (!also_uid || st.st_uid != *also_uid)) {
    return dir + ": owned by uid " + std::to_string(st.st_uid) + ", not by this user or root" +
           (also_uid ? " or the user the daemon runs as (uid " + std::to_string(*also_uid) + ")" : std::string()) +
           ", who could replace " + what + " in it";
  }
  return std::nullopt;
}

}  // namespace clocksim::daemon
