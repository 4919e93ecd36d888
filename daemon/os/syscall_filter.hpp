// A seccomp allow-list (libseccomp) for the running daemon: what the event loop needs to receive,
// send, read and adjust clocks, log and exit, and nothing else. Installed after start-up (sockets
// bound, keys read, privileges dropped), so a bug in packet handling cannot exec, open sockets,
// ptrace or write files. Any other call fails with EPERM (not a kill: a call overlooked here
// shows up as a logged error rather than a dead clock daemon).
#pragma once

#include <optional>
#include <string>

namespace clocksim::daemon {

std::optional<std::string> install_syscall_filter();

}  // namespace clocksim::daemon
