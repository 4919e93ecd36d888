// Whether a folder is safe from other users, and so is the way to it: whoever may write a folder
// (or owns it, and so may chmod it) can rename another file over one in it, or another folder or a
// link over a folder on the way, and so choose what is read from the folder or where what is
// written to it goes. As sshd's StrictModes judges the path of authorized_keys, every folder on
// the way counts, not only the last. Key files (clocksyncctl keygen) and the state file are
// judged by it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace clocksim::daemon {

// Why someone other than root, this process's user or `also_uid` (the user a daemon started as
// root drops to) could replace `contents` ("the key files") in the folder `dir`, if someone could:
//   "folder /srv/keys: permissions 0775 let group or others replace the key files in it (chmod go-w /srv/keys)"
//   "folder /srv (on the way to /srv/keys): owned by uid 1000, not by this user or root, who could ..."
// Every folder a name of the path is looked up in is judged: the folders above `dir` (from the
// working folder's when it is relative), and those a symbolic link on the way leads through, as
// the kernel follows it. Group or others may write one only with the sticky bit (as /tmp), which
// keeps them from removing or renaming what they do not own; a link in such a folder must then
// be owned by one of the users above. Nullopt when it is safe. A name on the way that is missing
// or no folder ends the walk: the folders before it are judged, and the rest is the caller's
// (to create, or to refuse).
std::optional<std::string> folder_trust_problem(const std::string& dir, std::string_view contents,
                                                std::optional<std::uint32_t> also_uid = std::nullopt);

// The same for one file, `path`: the folder it is named in and, when it is a symbolic link, the
// folder where the link leads, since whoever may write that one replaces the file as surely. A
// missing file is judged by its folder alone. `contents` names it in the message ("the key files").
std::optional<std::string> file_trust_problem(const std::string& path, std::string_view contents,
                                              std::optional<std::uint32_t> also_uid = std::nullopt);

}  // namespace clocksim::daemon
