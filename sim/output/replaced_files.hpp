// The files a publish replaces or removes, moved aside first so that a publish that fails
// part-way can put the folder back as it was (docs/output-formats.md: a failed run leaves the
// folder as it was). Renaming the new files into place one by one cannot be undone on its own:
// the file each rename replaced is gone. So every destination is first renamed to a hidden name
// beside it (`.summary.json.old.PID.WRITER`), which fails before anything new is visible when a
// destination cannot be replaced (a folder in the way, an immutable file); only then are the new
// files renamed in. Destroyed before keep_new(), it removes the new files it was told about and
// renames the old ones back.
//
// The hidden names are not pending files (pending_files.hpp): a run killed by a signal during
// the swap keeps the old files under them rather than losing them.
#pragma once

#include <string>
#include <vector>

namespace clocksim::sim {

class ReplacedFiles {
 public:
  ReplacedFiles() = default;
  ~ReplacedFiles();  // not kept: undoes every move
  ReplacedFiles(const ReplacedFiles&) = delete;
  ReplacedFiles& operator=(const ReplacedFiles&) = delete;

  // Moves the file at `path`, if any, aside. Throws std::runtime_error naming the path and the
  // system's reason if it cannot, or if a folder is at `path` (no file can be renamed over it).
  void set_aside(const std::string& path);
  // A new file now stands at `path` (one passed to set_aside): undoing removes it.
  void placed(const std::string& path);
  // Every new file is in place: the old ones are deleted.
  void keep_new();

 private:
  struct Entry {
    std::string path;
    std::string aside;  // empty: there was nothing at `path`
    bool placed = false;
  };
  std::vector<Entry> entries_;
  bool kept_ = false;
};

}  // namespace clocksim::sim
