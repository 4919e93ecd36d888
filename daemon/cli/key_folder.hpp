// The folder `clocksyncctl keygen` writes key files into, in every mode: new keyrings
// (--ids --out-dir), one cluster key (--out FILE) and the steps of a rotation.
#pragma once

#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace clocksim::daemon {

// Why keygen must not write the key files `files` into the folder `dir`, if it must not: a folder,
// or one on the way to it, that someone other than root or this user could change
// (daemon/os/folder_trust.hpp), since whoever may replace a key file there chooses the keys a node
// trusts. A key file that is a symbolic link: a rotation (kFollowed) changes the file where the
// link leads and keeps the link (configuration management and secret mounts keep keys that way),
// so the folder it leads to is judged alike; new keyrings and --out (kRefused) are written only
// where they are named, never through a link. A missing folder or file is no problem here.
enum class KeyFileLinks { kFollowed, kRefused };
std::optional<std::string> key_folder_problem(const std::string& dir, const std::vector<std::string>& files,
                                              KeyFileLinks links);

struct KeyFolder {
  std::vector<std::string> created;  // the folders made for it, outermost first
};

struct KeyFolderRefusal {
  std::string message;
  int exit_code;  // 2: the folder is not fit for keys; 1: the system refused to create it
};

// Makes `dir` ready for the new key files `files` in it: created when missing, mode 0700, with
// the folders above it that are missing too (as `mkdir -p`, their mode left to the umask but never
// writable by group or others). The folder and the way to it are judged by key_folder_problem,
// before anything is made and after.
std::variant<KeyFolder, KeyFolderRefusal> prepare_key_folder(const std::string& dir, const std::vector<std::string>& files);

// Removes what prepare_key_folder created (innermost first), as far as it is empty: a keygen that
// failed part-way leaves nothing behind.
void remove_created_folders(const KeyFolder& folder);

}  // namespace clocksim::daemon
