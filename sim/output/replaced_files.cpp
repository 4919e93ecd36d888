#include "sim/output/replaced_files.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <stdexcept>

namespace clocksim::sim {

namespace {
// Beside `path`, unique among the publishes alive on the machine (as AtomicFile's temporaries:
// the process id, then the publisher's address).
std::string aside_path_for(const std::string& path, const void* owner) {
  const auto slash = path.find_last_of('/');
  const std::string dir = slash == std::string::npos ? "" : path.substr(0, slash + 1);
  const std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
  char address[2 * sizeof(std::uintptr_t) + 1];
  const auto end = std::to_chars(address, address + sizeof(address), reinterpret_cast<std::uintptr_t>(owner), 16).ptr;
  return dir + "." + base + ".old." + std::to_string(::getpid()) + "." + std::string(address, end);
}
}  // namespace

void ReplacedFiles::set_aside(const std::string& path) {
  Entry entry{path, {}, false};
  struct stat st {};
  if (::lstat(path.c_str(), &st) == 0) {
    // Renaming a folder aside would succeed, and the run would then delete the user's folder.
    if (S_ISDIR(st.st_mode)) throw std::runtime_error("cannot replace " + path + ": " + std::strerror(EISDIR));
    entry.aside = aside_path_for(path, this);
    if (std::rename(path.c_str(), entry.aside.c_str()) != 0) {
      throw std::runtime_error("cannot replace " + path + ": " + std::strerror(errno));
    }
  } else if (errno != ENOENT) {
    throw std::runtime_error("cannot replace " + path + ": " + std::strerror(errno));
  }
  entries_.push_back(std::move(entry));
}

void ReplacedFiles::placed(const std::string& path) {
  for (Entry& e : entries_) {
    if (e.path == path) e.placed = true;
  }
}

void ReplacedFiles::keep_new() {
  kept_ = true;
  for (const Entry& e : entries_) {
    if (!e.aside.empty()) std::remove(e.aside.c_str());
  }
}

// Best effort: a destructor cannot report, and each step that fails leaves the rest to be tried.
ReplacedFiles::~ReplacedFiles() {
  if (kept_) return;
  for (auto it = entries_.rbegin(); it != entries_.rend(); ++it) {
    if (!it->aside.empty()) {
      std::rename(it->aside.c_str(), it->path.c_str());  // replaces the new file, if placed
    } else if (it->placed) {
      std::remove(it->path.c_str());
    }
  }
}

}  // namespace clocksim::sim
