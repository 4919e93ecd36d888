#include "sim/sweep/sweep_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string_view>

#include "sim/output/output_dir.hpp"

namespace clocksim::sweep {

SweepLock::SweepLock(const std::string& out_dir, const Shard& shard) : folder_(out_dir), whole_(shard.whole()) {
  namespace fs = std::filesystem;
  std::error_code made;
  fs::create_directories(out_dir, made);
  if (made || !fs::is_directory(out_dir)) {
    // What is in the way: the innermost path up from out_dir that exists or is a link.
    std::error_code ec;
    fs::path at = fs::absolute(out_dir, ec);
    while (!at.empty() && !fs::is_symlink(fs::symlink_status(at, ec)) && !fs::exists(at, ec) && at.has_parent_path() &&
           at.parent_path() != at) {
      at = at.parent_path();
    }
    if (fs::is_symlink(fs::symlink_status(at, ec)) && !fs::exists(at, ec)) {
      throw SweepFolderError("cannot create the output folder " + out_dir + ": " + at.string() + ": " +
                             sim::folder_creation_failure(at, made));
    }
    if (fs::exists(at, ec) && !fs::is_directory(at, ec)) {
      throw SweepFolderError("cannot use the output folder " + out_dir + ": " + at.string() + " is a file, not a folder");
    }
    throw SweepFolderError("cannot create the output folder " + out_dir + (made ? ": " + made.message() : std::string()));
  }
  const std::string& folder = folder_;
  try {
    if (shard.whole()) {
      take(folder + "/.sweep.lock", true,
           folder + " is in use by another clocksim sweep (a second copy of this one, its shards, or a merge); "
                    "wait for it to end, or give another --out");
    } else {
      take(folder + "/.sweep.lock", false,
           folder + " is in use by the whole sweep or a merge; a shard can run only beside the other shards");
      const std::string name = std::to_string(shard.index) + "-of-" + std::to_string(shard.count);
      take(folder + "/.sweep-shard-" + name + ".lock", true,
           folder + ": shard " + std::to_string(shard.index) + "/" + std::to_string(shard.count) +
               " is already running there");
      refuse_other_counts(shard.count);
    }
  } catch (...) {
    for (int fd : fds_) ::close(fd);
    throw;
  }
}

SweepLock::~SweepLock() {
  for (int fd : fds_) ::close(fd);  // closing the descriptor releases its lock
}

void SweepLock::remove_shard_locks() const {
  if (!whole_) return;
  for (const auto& entry : std::filesystem::directory_iterator(folder_)) {
    const std::string name = entry.path().filename().string();
    if ((name.starts_with(".sweep-shard-") || name.starts_with(".sweep-count-")) && name.ends_with(".lock")) {
      std::filesystem::remove(entry.path());
    }
  }
}

void SweepLock::refuse_other_counts(std::size_t count) {
  // Ours first, then a look at the others': of two shards of different counts starting together,
  // at least one sees the other's.
  take(folder_ + "/.sweep-count-" + std::to_string(count) + ".lock", false,
       folder_ + ": a shard of another count is starting there; give every shard the same count");
  constexpr std::string_view kPrefix = ".sweep-count-", kSuffix = ".lock";
  for (const auto& entry : std::filesystem::directory_iterator(folder_)) {
    const std::string name = entry.path().filename().string();
    if (!name.starts_with(kPrefix) || !name.ends_with(kSuffix)) continue;
    const std::string other = name.substr(kPrefix.size(), name.size() - kPrefix.size() - kSuffix.size());
    if (other == std::to_string(count)) continue;
    const int fd = ::open(entry.path().c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) continue;
    const bool held = ::flock(fd, LOCK_EX | LOCK_NB) != 0 && errno == EWOULDBLOCK;
    ::close(fd);
    if (held) {
      throw SweepBusy(folder_ + ": shards of " + other + " are running there; shards of " + std::to_string(count) +
                      " would run some of the same runs: give every shard the same count");
    }
  }
}

void SweepLock::take(const std::string& path, bool exclusive, const std::string& busy_message) {
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) throw std::runtime_error("cannot create " + path + ": " + std::strerror(errno));
  if (::flock(fd, (exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB) != 0) {
    const int error = errno;
    if (error == EWOULDBLOCK) {
      ::close(fd);
      throw SweepBusy(busy_message);
    }
    // ENOLCK, EOPNOTSUPP, ENOSYS, EINVAL: this file system cannot lock; go on without.
  }
  fds_.push_back(fd);
}

}  // namespace clocksim::sweep
