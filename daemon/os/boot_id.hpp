// The kernel's boot id: a random UUID drawn at each boot (/proc/sys/kernel/random/boot_id), which
// tells a restart of clocksyncd on the same boot from one after a reboot. Host monotonic time,
// on which the clock guard's panic window is kept (algorithms/core/panic_window.hpp), restarts at a
// reboot; the boot id says whether a kept window is on this boot's time.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "algorithms/core/panic_window.hpp"

namespace clocksim::daemon {

inline constexpr const char* kBootIdPath = "/proc/sys/kernel/random/boot_id";

// "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" (hex digits, either case), and nothing else.
std::optional<BootId> parse_boot_id(std::string_view text);
// The same form in lower case; all zero for an unknown boot.
std::string boot_id_text(const BootId& id);
// This boot's id, read from `path` at start-up (before the system call filter, which allows no
// new opens); all zero (unknown) when it cannot be read or parsed: a kept window is then read
// as one from another boot, which errs on the safe side.
BootId read_boot_id(const char* path = kBootIdPath);

}  // namespace clocksim::daemon
