// Giving up what the daemon does not need once it has bound its sockets, read its keys and
// opened its clock: root (setresuid/setresgid to an unprivileged user, no supplementary groups),
// every capability but CAP_SYS_TIME (and that one only for the system clock backend), including
// the bounding set, and new privileges through exec (PR_SET_NO_NEW_PRIVS). chronyd and ntpd -u
// do the same; the packet parser then never runs as root.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace clocksim::daemon {

struct PrivilegeDrop {
  std::string user;            // empty: stay this user (refused when that is root, see below)
  bool keep_sys_time = false;  // keep CAP_SYS_TIME (system clock backend)
};

// Started as root: switches to `user`, which must exist and must not be uid 0 (root, or any
// other name for uid 0: packets are never parsed as root). Not root: `user` must be empty or
// this user. Either way drops
// all other capabilities and sets no_new_privs. An error message when any step fails; the
// caller must then exit (half-dropped privileges are not a state to run in).
std::optional<std::string> drop_privileges(const PrivilegeDrop& drop);
// What drop_privileges would refuse before it changes anything (root without a user, a user
// that does not exist or that this process cannot become), for --check-config.
std::optional<std::string> privilege_drop_problem(const PrivilegeDrop& drop);

// The uid of `user`, when it exists (empty: none).
std::optional<std::uint32_t> uid_of_user(const std::string& user);

// What the process holds now, for the log and the status report: "uid=.. gid=.. caps=..".
std::string privilege_summary();

}  // namespace clocksim::daemon
