#include "daemon/os/folder_trust.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <filesystem>
#include <vector>

#include "node/os/file_mode.hpp"

namespace clocksim::daemon {
namespace {

// As the kernel's limit on links followed in one lookup: a loop ends the walk, as it ends an open.
constexpr int kMaxLinks = 40;

std::deque<std::string> names_of(const std::string& path) {
  std::deque<std::string> names;
  for (std::size_t start = 0; start < path.size();) {
    const std::size_t slash = path.find('/', start);
    const std::size_t end = slash == std::string::npos ? path.size() : slash;
    if (end > start) names.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  return names;
}

std::string parent_of(const std::string& folder) {
  const std::size_t slash = folder.rfind('/');
  return slash == 0 || slash == std::string::npos ? "/" : folder.substr(0, slash);
}

std::string child_of(const std::string& folder, const std::string& name) {
  return folder == "/" ? "/" + name : folder + "/" + name;
}

bool group_or_others_write(const struct stat& st) { return (st.st_mode & 022) != 0; }

struct Trusted {
  std::optional<std::uint32_t> also_uid;
  bool owns(const struct stat& st) const {
    return st.st_uid == 0 || st.st_uid == ::geteuid() || (also_uid && st.st_uid == *also_uid);
  }
  std::string who_else() const {
    return "not by this user or root" +
           (also_uid ? " or the user the daemon runs as (uid " + std::to_string(*also_uid) + ")" : std::string());
  }
};

// A folder a name was looked up in, as it was then.
struct Walked {
  std::string folder;
  struct stat st;
};

struct Walk {
  std::vector<Walked> folders;  // from the root down, each one once
  bool reached = false;         // the path named a folder, and it is the last one
  std::optional<std::string> problem;
};

// Follows `dir` name by name, as the kernel looks it up, noting each folder a name is looked up in.
Walk walk(const std::string& dir, const std::string& contents, const Trusted& trusted) {
  Walk w;
  std::deque<std::string> todo = names_of(dir);
  if (dir.empty() || dir.front() != '/') {
    // The working folder's path as the kernel gives it has no links in it.
    char* cwd = ::getcwd(nullptr, 0);
    if (cwd == nullptr) {
      w.problem = "cannot tell the working folder: " + std::string(std::strerror(errno));
      return w;
    }
    std::deque<std::string> above = names_of(cwd);
    std::free(cwd);
    todo.insert(todo.begin(), above.begin(), above.end());
  }
  std::string at = "/";
  auto note = [&w](const std::string& folder, const struct stat& st) {
    for (const Walked& f : w.folders) {
      if (f.folder == folder) return;
    }
    w.folders.push_back({folder, st});
  };
  struct stat root {};
  if (::stat("/", &root) != 0) return w;
  note(at, root);
  int links = 0;
  while (!todo.empty()) {
    const std::string name = todo.front();
    todo.pop_front();
    if (name == ".") continue;
    if (name == "..") {
      at = parent_of(at);
      continue;
    }
    const std::string next = child_of(at, name);
    struct stat st {};
    if (::lstat(next.c_str(), &st) != 0) return w;
    if (S_ISLNK(st.st_mode)) {
      struct stat holder {};
      if (::stat(at.c_str(), &holder) == 0 && group_or_others_write(holder) && !trusted.owns(st)) {
        w.problem = "link " + next + " (on the way to " + dir + "): owned by uid " + std::to_string(st.st_uid) +
                    " in a folder others may write, who could point it elsewhere, and so replace " + contents;
        return w;
      }
      std::vector<char> target(static_cast<std::size_t>(st.st_size > 0 ? st.st_size : 4096) + 1);
      const ssize_t n = ::readlink(next.c_str(), target.data(), target.size());
      if (n <= 0 || static_cast<std::size_t>(n) >= target.size() || ++links > kMaxLinks) return w;
      const std::string to(target.data(), static_cast<std::size_t>(n));
      const std::deque<std::string> more = names_of(to);
      todo.insert(todo.begin(), more.begin(), more.end());
      if (to.front() == '/') at = "/";
      continue;
    }
    if (!S_ISDIR(st.st_mode)) return w;
    at = next;
    note(at, st);
  }
  // The folder itself is the one the walk ended in; move it last if it was passed before (a..).
  for (std::size_t i = 0; i < w.folders.size(); ++i) {
    if (w.folders[i].folder == at) {
      Walked self = w.folders[i];
      w.folders.erase(w.folders.begin() + static_cast<std::ptrdiff_t>(i));
      w.folders.push_back(self);
      break;
    }
  }
  w.reached = true;
  return w;
}

std::optional<std::string> judge(const Walked& f, bool leaf, const std::string& dir, const std::string& contents,
                                 const Trusted& trusted) {
  const std::string name = leaf ? "folder " + f.folder : "folder " + f.folder + " (on the way to " + dir + ")";
  const std::string harm = leaf ? "replace " + contents + " in it" : "rename what is in it, and so replace " + contents;
  if (group_or_others_write(f.st) && (f.st.st_mode & S_ISVTX) == 0) {
    return name + ": permissions " + node::mode_text(f.st.st_mode) + " let group or others " + harm + " (chmod go-w " +
           f.folder + ")";
  }
  if (!trusted.owns(f.st)) {
    return name + ": owned by uid " + std::to_string(f.st.st_uid) + ", " + trusted.who_else() + ", who could " + harm;
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> folder_trust_problem(const std::string& dir, std::string_view contents,
                                                std::optional<std::uint32_t> also_uid) {
  const Trusted trusted{also_uid};
  const std::string what(contents);
  const Walk w = walk(dir, what, trusted);
  if (w.problem) return w.problem;
  if (w.folders.empty()) return std::nullopt;
  // The folder itself first: the likeliest fault, and the one its caller made.
  if (w.reached) {
    if (auto e = judge(w.folders.back(), true, dir, what, trusted)) return e;
  }
  for (std::size_t i = 0; i + (w.reached ? 1 : 0) < w.folders.size(); ++i) {
    if (auto e = judge(w.folders[i], false, dir, what, trusted)) return e;
  }
  return std::nullopt;
}

std::optional<std::string> file_trust_problem(const std::string& path, std::string_view contents,
                                              std::optional<std::uint32_t> also_uid) {
  const std::string dir = std::filesystem::path(path).parent_path().string();
  if (auto e = folder_trust_problem(dir.empty() ? std::string(".") : dir, contents, also_uid)) return e;
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0 || !S_ISLNK(st.st_mode)) return std::nullopt;
  std::error_code error;
  const std::filesystem::path target = std::filesystem::weakly_canonical(path, error);
  if (error) return path + ": cannot follow the link: " + error.message();
  if (auto e = folder_trust_problem(target.parent_path().string(), contents, also_uid)) {
    return *e + " (" + path + " is a link to " + target.string() + ")";
  }
  return std::nullopt;
}

}  // namespace clocksim::daemon
