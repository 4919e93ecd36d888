#include "daemon/os/privileges.hpp"

#include <grp.h>
#include <pwd.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace clocksim::daemon {

namespace {
std::string os_error(const std::string& what) { return what + ": " + std::strerror(errno); }

// Leaves only CAP_SYS_TIME (if asked) in the permitted and effective sets.
std::optional<std::string> set_capabilities(bool keep_sys_time) {
  cap_t caps = cap_init();  // all clear
  if (caps == nullptr) return os_error("cap_init");
  if (keep_sys_time) {
    const cap_value_t keep[] = {CAP_SYS_TIME};
    if (cap_set_flag(caps, CAP_PERMITTED, 1, keep, CAP_SET) != 0 || cap_set_flag(caps, CAP_EFFECTIVE, 1, keep, CAP_SET) != 0) {
      cap_free(caps);
      return os_error("cap_set_flag");
    }
  }
  const int rc = cap_set_proc(caps);
  cap_free(caps);
  if (rc != 0) return os_error("cap_set_proc");
  return std::nullopt;
}
}  // namespace

std::optional<std::string> privilege_drop_problem(const PrivilegeDrop& drop) {
  if (::geteuid() != 0) {
    if (drop.user.empty()) return std::nullopt;
    const passwd* pw = ::getpwnam(drop.user.c_str());
    if (pw == nullptr || pw->pw_uid != ::geteuid()) return "cannot switch to user '" + drop.user + "': not started as root";
    return std::nullopt;
  }
  if (drop.user.empty()) {
    return "started as root: give --user NAME (an unprivileged user; the Debian package creates "
           "'clocksyncd'), so that packets are never parsed as root";
  }
  const passwd* pw = ::getpwnam(drop.user.c_str());
  if (pw == nullptr) return "user '" + drop.user + "' does not exist";
  if (pw->pw_uid == 0) {
    return "user '" + drop.user + "' is uid 0: give an unprivileged user (the Debian package creates 'clocksyncd'), "
           "so that packets are never parsed as root";
  }
  return std::nullopt;
}

std::optional<std::string> drop_privileges(const PrivilegeDrop& drop) {
  if (auto problem = privilege_drop_problem(drop)) return problem;
  if (::geteuid() == 0) {
    const passwd* pw = ::getpwnam(drop.user.c_str());
    if (pw == nullptr) return "user '" + drop.user + "' does not exist";
    const uid_t uid = pw->pw_uid;
    const gid_t gid = pw->pw_gid;
    if (uid != 0) {
      // The bounding set can only be lowered while CAP_SETPCAP is still held, so before setuid.
      for (cap_value_t c = 0; c <= CAP_LAST_CAP; ++c) {
        if (c == CAP_SYS_TIME && drop.keep_sys_time) continue;
        if (CAP_IS_SUPPORTED(c) && cap_drop_bound(c) != 0) return os_error("cap_drop_bound");
      }
      // Keep the permitted set across setuid; everything but CAP_SYS_TIME is dropped below.
      if (::prctl(PR_SET_KEEPCAPS, 1L, 0L, 0L, 0L) != 0) return os_error("prctl(PR_SET_KEEPCAPS)");
      if (::setgroups(0, nullptr) != 0) return os_error("setgroups");
      if (::setresgid(gid, gid, gid) != 0) return os_error("setresgid");
      if (::setresuid(uid, uid, uid) != 0) return os_error("setresuid");
      if (::prctl(PR_SET_KEEPCAPS, 0L, 0L, 0L, 0L) != 0) return os_error("prctl(PR_SET_KEEPCAPS, 0)");
      // Proof that root is gone for good.
      if (::setresuid(0, 0, 0) == 0) return "dropped to '" + drop.user + "' but could regain root";
    }
  }
  if (auto e = set_capabilities(drop.keep_sys_time)) return e;
  if (::prctl(PR_SET_NO_NEW_PRIVS, 1L, 0L, 0L, 0L) != 0) return os_error("prctl(PR_SET_NO_NEW_PRIVS)");
  return std::nullopt;
}

std::string privilege_summary() {
  std::string caps_text = "?";
  if (cap_t caps = cap_get_proc()) {
    if (char* t = cap_to_text(caps, nullptr)) {
      caps_text = t;
      cap_free(t);
    }
    cap_free(caps);
  }
  return "uid=" + std::to_string(::getuid()) + " gid=" + std::to_string(::getgid()) + " caps=" + caps_text;
}

std::optional<std::uint32_t> uid_of_user(const std::string& user) {
  if (user.empty()) return std::nullopt;
  const passwd* pw = ::getpwnam(user.c_str());
  if (pw == nullptr) return std::nullopt;
  return static_cast<std::uint32_t>(pw->pw_uid);
}

}  // namespace clocksim::daemon
