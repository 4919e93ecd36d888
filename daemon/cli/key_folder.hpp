// The folder `clocksyncctl keygen --out-dir` writes new key files into.
#pragma once

#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace clocksim::daemon {

struct KeyFolder {
  std::vector<std::string> created;  // the folders made for it, outermost first
};

struct KeyFolderRefusal {
  std::string message;
  int exit_code;  // 2: the folder is not fit for keys; 1: the system refused to create it
};

// Makes `dir` ready for new key files: created when missing, mode 0700, with the folders above it
// that are missing too (as `mkdir -p`, their mode left to the umask). An existing folder that
// group or others may write is refused, unless it has the sticky bit (as /tmp), since whoever may
// write a folder may replace the key files in it with keys of their own.
std::variant<KeyFolder, KeyFolderRefusal> prepare_key_folder(const std::string& dir);

// Removes what prepare_key_folder created (innermost first), as far as it is empty: a keygen that
// failed part-way leaves nothing behind.
void remove_created_folders(const KeyFolder& folder);

}  // namespace clocksim::daemon
