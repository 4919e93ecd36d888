// Unfinished output files, removed if the process is killed by a signal before they are committed.
//
// An AtomicFile removes its temporary when it is destroyed, but a run ended by Ctrl-C, `kill`, a
// closed terminal or a closed pipe never unwinds, and a long run's temporary can be gigabytes.
// So every AtomicFile registers its temporary's path here for its lifetime, and a program that
// owns its process (the clocksim CLI; not a library user such as the Python module, whose host
// handles signals itself) calls remove_pending_files_on_signals() once at start.
#pragma once

#include <cstddef>
#include <string>

namespace clocksim::sim {

// What a registration stands for: a file the handler unlinks, or a folder this process made,
// which the handler removes only if it is empty once the files are gone (rmdir refuses any other),
// so that a run killed before writing anything leaves no empty folder behind.
enum class PendingKind { kFile, kFolderIfEmpty };

// Holds one registration; unregisters on destruction. A path that does not fit a slot (more
// than kMaxPendingFiles at once, or longer than PATH_MAX) is not registered, and then only the
// normal destructor cleanup applies to it.
class PendingFile {
 public:
  explicit PendingFile(const std::string& path, PendingKind kind = PendingKind::kFile);
  ~PendingFile();
  PendingFile(const PendingFile&) = delete;
  PendingFile& operator=(const PendingFile&) = delete;

  bool registered() const { return slot_ != kNoSlot; }
  void release();  // the file was committed or removed: forget it now
  // Call right after creating the file. A handler already at work on another thread may have
  // looked at this slot before the file existed; then the file is removed here, and this thread
  // does nothing more until the signal ends the process.
  void created();

 private:
  static constexpr std::size_t kNoSlot = static_cast<std::size_t>(-1);
  std::size_t slot_ = kNoSlot;
};

inline constexpr std::size_t kMaxPendingFiles = 256;

// Installs handlers for SIGINT, SIGTERM, SIGHUP, SIGQUIT and SIGPIPE that unlink every pending
// file, remove the pending folders left empty (innermost first), and then let the signal take its default action (so the exit status still says which
// signal ended the process), and ignores SIGXFSZ, so that exceeding a file-size limit is a write
// error the run reports (exit 2) instead of a silent kill.
void remove_pending_files_on_signals();

// The paths registered now (for tests).
std::size_t pending_file_count();

// What the signal handler does first, without the rest (for tests of the race created() closes).
void mark_pending_file_removal_started();

}  // namespace clocksim::sim
