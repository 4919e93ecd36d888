#include "daemon/cli/key_folder.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "daemon/os/folder_trust.hpp"

namespace clocksim::daemon {

namespace {

std::optional<KeyFolderRefusal> unfit(const std::string& dir, const std::vector<std::string>& files,
                                      const struct stat& st) {
  if (!S_ISDIR(st.st_mode)) return KeyFolderRefusal{"--out-dir " + dir + " is not a folder", 2};
  if (auto e = key_folder_problem(dir, files, KeyFileLinks::kRefused)) return KeyFolderRefusal{*e, 2};
  return std::nullopt;
}

}  // namespace

std::optional<std::string> key_folder_problem(const std::string& dir, const std::vector<std::string>& files,
                                              KeyFileLinks links) {
  if (auto e = folder_trust_problem(dir, "the key files")) return e;
  for (const std::string& file : files) {
    struct stat st {};
    if (::lstat(file.c_str(), &st) != 0 || !S_ISLNK(st.st_mode)) continue;
    if (links == KeyFileLinks::kRefused) {
      return file + " is a symbolic link; new keys are written only where they are named (give the path the "
                    "link leads to, or remove the link)";
    }
    if (auto e = file_trust_problem(file, "the key files")) return e;
  }
  return std::nullopt;
}

std::variant<KeyFolder, KeyFolderRefusal> prepare_key_folder(const std::string& dir, const std::vector<std::string>& files) {
  namespace fs = std::filesystem;
  KeyFolder made;
  // "keys/" names the folder "keys": its parent is what mkdir -p makes first.
  const fs::path target = fs::path(dir).lexically_normal();
  const fs::path folder = target.has_filename() ? target : target.parent_path();
  struct stat st {};
  if (::stat(folder.c_str(), &st) == 0) {
    if (auto e = unfit(dir, files, st)) return *e;
    return made;
  }
  if (errno != ENOENT) return KeyFolderRefusal{"--out-dir " + dir + ": " + std::strerror(errno), 1};
  // Nothing is made below a folder that is not fit for keys.
  if (auto e = key_folder_problem(dir, files, KeyFileLinks::kRefused)) return KeyFolderRefusal{*e, 2};
  // The folders above it as mkdir -p makes them (the umask applies), but never writable by group
  // or others, which would make the new folder unfit at once.
  std::vector<fs::path> missing;
  for (fs::path p = folder.parent_path(); !p.empty() && !fs::exists(p); p = p.parent_path()) {
    missing.insert(missing.begin(), p);
    if (p == p.parent_path()) break;
  }
  auto undo = [&made](const std::string& why, int exit_code = 1) {
    remove_created_folders(made);
    return KeyFolderRefusal{why, exit_code};
  };
  for (const fs::path& p : missing) {
    if (::mkdir(p.c_str(), 0755) == 0) {
      made.created.push_back(p.string());
    } else if (errno != EEXIST) {
      return undo("--out-dir " + dir + ": cannot create " + p.string() + ": " + std::strerror(errno));
    }
  }
  if (::mkdir(folder.c_str(), 0700) != 0) {
    const int err = errno;
    // Made by someone else meanwhile: judged as any existing folder.
    if (err == EEXIST && ::stat(folder.c_str(), &st) == 0) {
      if (auto e = unfit(dir, files, st)) return undo(e->message, e->exit_code);
      return made;
    }
    return undo("--out-dir " + dir + ": cannot create it: " + std::strerror(err));
  }
  made.created.push_back(folder.string());
  // Its own mode exactly, whatever the umask: keys are for their owner only.
  if (::chmod(folder.c_str(), 0700) != 0) return undo("--out-dir " + dir + ": chmod 700: " + std::strerror(errno));
  // The way to it as it now is: a folder above it made meanwhile by someone else is theirs.
  if (auto e = key_folder_problem(dir, files, KeyFileLinks::kRefused)) return undo(*e, 2);
  return made;
}

void remove_created_folders(const KeyFolder& folder) {
  for (auto it = folder.created.rbegin(); it != folder.created.rend(); ++it) (void)::rmdir(it->c_str());
}

}  // namespace clocksim::daemon
