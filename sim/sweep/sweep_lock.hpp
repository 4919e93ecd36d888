// Keeps two sweeps from writing one output folder at once. Two copies of a sweep in one folder
// (a resume started while the first still runs, a job array without --shard) would delete each
// other's partial run folders, fail runs that are fine, and write sweep.csv in turns, the last
// writer's table missing the other's rows.
//
// A whole sweep, and a merge, hold `.sweep.lock` in the folder exclusively; shard i/K holds it
// shared and `.sweep-shard-i-of-K.lock` exclusively. So the shards of one sweep run side by side,
// but none beside the whole sweep, a merge, or a second copy of itself. A shard also holds
// `.sweep-count-K.lock` shared, and none starts while shards of another count K' hold theirs:
// shard 0/4 and shard 0/2 would both run runs 0, 4, 8, ... The locks are flock(2)
// locks, released by the system when the process ends, so a killed sweep never leaves its folder
// locked. On a file system that cannot lock (some cluster file systems) the sweep runs unlocked.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include "sim/sweep/shard.hpp"

namespace clocksim::sweep {

// Another sweep holds the folder.
class SweepBusy : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The output folder cannot be made (a file in the way, no permission): the user's to fix.
class SweepFolderError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class SweepLock {
 public:
  // Creates out_dir if needed (SweepFolderError when it cannot). Throws SweepBusy if another
  // process holds a conflicting lock, and std::runtime_error if the lock file cannot be created.
  SweepLock(const std::string& out_dir, const Shard& shard);
  ~SweepLock();

  // Removes the shards' lock files, for the merge that ends a sharded sweep, so that its folder
  // ends up as the whole sweep's would. Safe only under the whole-sweep lock: while it is held no
  // shard holds, or can take, its own.
  void remove_shard_locks() const;
  SweepLock(const SweepLock&) = delete;
  SweepLock& operator=(const SweepLock&) = delete;

 private:
  // Holds `.sweep-count-<count>.lock` shared; SweepBusy when shards of another count hold theirs.
  void refuse_other_counts(std::size_t count);
  void take(const std::string& path, bool exclusive, const std::string& busy_message);
  std::string folder_;
  bool whole_ = false;
  std::vector<int> fds_;
};

}  // namespace clocksim::sweep
