// Whether a folder is safe from other users: whoever may write a folder (or owns it, and so may
// chmod it) can rename another file over one in it, and so choose what is read from it or where
// what is written to it goes. Key files (clocksyncctl keygen) and the state file are judged by it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace clocksim::daemon {

// Why someone other than root, this process's user or `also_uid` (the user a daemon started as
// root drops to) could replace `contents` ("the key files") in the folder `dir`: "DIR: permissions
// 0777 let group or others replace the key files in it (chmod go-w DIR)", or owned by another
// user. Group or others may write it only with the sticky bit (as /tmp), which keeps them from
// removing or renaming a file they do not own. Nullopt when it is safe, or when `dir` is not a
// folder (missing, or a file): what to do then is the caller's.
std::optional<std::string> folder_trust_problem(const std::string& dir, std::string_view contents,
                                                std::optional<std::uint32_t> also_uid = std::nullopt);

}  // namespace clocksim::daemon
