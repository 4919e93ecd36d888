// clocksyncd's stable storage (`state_file:`): what a node must not forget across a restart
// (algorithms/core/stable_state.hpp), so that a restarted daemon neither reuses a message id its
// peers took (they would drop its messages as duplicates) nor turns its Lamport clock back.
//
// Layout: two copies of one record, in two equal halves of the file. A save writes the copy
// that is not the newest, then fdatasync: a crash in the middle of a write tears at most that
// copy, and the next start reads the other. Each copy is
//   "CSDSTAT1" | generation (u64 LE) | length (u32 LE) | SHA-256 of generation, length and text | text
// where the text is a JSON object (node, members, elections_started, lamport, next_message_id,
// vector, epoch, clock_window). A start reads the intact copy of the higher generation. `epoch`
// (absent in files written before it was kept: 0) is the start-up epoch of the node's latest run.
// `clock_window` (absent in files written before it was kept: nothing counted) is the clock
// guard's panic window (algorithms/core/panic_window.hpp): {boot_id: the kernel's boot id as text,
// slice_width_ns, slices: [[index, moved_ns, net_ns], ...]; a pair from before nets were kept
// reads with net 0}. A copy whose checksum fails (torn, not ours)
// gives way to the other one; an intact newest copy whose record is not what a run writes (a field
// missing, of another type or out of range, a repeated key, a text longer than this cluster's
// records) refuses the start, naming the field: the older copy is older in everything (a lower
// Lamport clock, an epoch a run may have used, a clock window without the latest correction, which
// would hand a liar back the corrections it counted). So do two intact copies of one generation
// that differ. A generation near the top of its range is numbered afresh at open, so that saves
// never wrap.
//
// Why in place rather than a new file and a rename per save: after start-up the daemon runs under
// a system call filter that lets it open files for reading only; the state file is opened (and
// created or laid out again, by a rename) once, at start-up, and kept open.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>

#include "algorithms/core/ids.hpp"
#include "node/loop/interfaces.hpp"

namespace clocksim::daemon {

class StateFile final : public node::StableStore {
 public:
  // Reads `path` for member `self` of a cluster of `members` members, and keeps it open for
  // saves. A missing (or empty) file is a first run: it is created, mode 0600. A file laid out
  // for another cluster size is laid out again, keeping its record. Refused, naming the file and
  // the fault: neither copy intact, a malformed newest record (naming the field), another node's
  // file, a vector of another length, a file that group or others may write or that is owned by
  // anyone but this user, root or `run_as_uid` (the user a daemon started as root drops to), its
  // folder or any folder on the way to it judged the same way (group or others may write one only
  // with the sticky bit; daemon/os/folder_trust.hpp), a path that is a symbolic link.
  static std::variant<std::unique_ptr<StateFile>, std::string> open(const std::string& path, NodeId self,
                                                                     std::size_t members,
                                                                     std::optional<std::uint32_t> run_as_uid = std::nullopt);
  // What open() would refuse, without creating or changing anything (--check-config).
  static std::optional<std::string> check(const std::string& path, NodeId self, std::size_t members,
                                          std::optional<std::uint32_t> run_as_uid = std::nullopt);

  ~StateFile() override;
  StateFile(const StateFile&) = delete;
  StateFile& operator=(const StateFile&) = delete;

  const StableState& saved() const override { return saved_; }
  // This run's start-up epoch (node/wire/freshness.hpp), kept before it is used: the wall clock
  // `wall_ns`, or one above the latest run's when that is not lower. Peers refuse a sender epoch
  // below one they have seen (as a replay of an earlier run), so a node whose clock went back
  // between two runs (stepped back by its cluster or by hand, a board without a battery-backed
  // clock) would be cut off from every peer that saw its last run until that peer restarted.
  // An error when the epoch cannot be kept: a run must not start with an epoch a later run could
  // pick again.
  std::variant<std::uint64_t, std::string> begin_run(std::int64_t wall_ns);
  std::uint64_t last_epoch() const { return epoch_; }
  bool save(const StableState& state) override;
  const std::string& last_error() const override { return last_error_; }
  const std::string& path() const { return path_; }
  std::uint64_t generation() const { return generation_; }

 private:
  StateFile(std::string path, int fd, NodeId self, std::size_t members, std::size_t copy_bytes)
      : path_(std::move(path)), fd_(fd), self_(self), members_(members), copy_bytes_(copy_bytes) {}

  std::string path_;
  int fd_;
  NodeId self_;
  std::size_t members_;
  std::size_t copy_bytes_;  // each half of the file
  std::uint64_t generation_ = 0;
  int newest_half_ = 0;  // the half holding generation_'s record
  std::uint64_t epoch_ = 0;  // the latest run's start-up epoch (0: none kept)
  StableState saved_;
  std::string last_error_;
};

}  // namespace clocksim::daemon
