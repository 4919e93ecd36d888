// The folder a run writes to: made with whatever parents it lacks, and taken away again (only the
// folders made here, and only while empty) when the run ends without publishing, so that a
// refused or failed run leaves the file system as it found it. The folders made are pending
// (sim/output/pending_files.hpp) until then, so a run killed by a signal takes them away too.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

#include "sim/output/pending_files.hpp"

namespace clocksim::sim {

// Why `folder` could not be made, given the error the attempt gave: a symbolic link that leads
// nowhere is named as such (the system's own word for it, "File exists", points the wrong way),
// anything else by the error's message.
std::string folder_creation_failure(const std::filesystem::path& folder, const std::error_code& ec);

class OutputDir {
 public:
  // Throws std::runtime_error saying why the folder cannot be made (a file in the way, no
  // permission, a read-only or pseudo file system).
  explicit OutputDir(const std::string& path);
  ~OutputDir();
  OutputDir(const OutputDir&) = delete;
  OutputDir& operator=(const OutputDir&) = delete;

  // The run published its files: the folders stay.
  void keep();

 private:
  void remove_created();
  std::vector<std::filesystem::path> created_;  // outermost first
  std::vector<std::unique_ptr<PendingFile>> pending_;  // created_'s registrations
  bool keep_ = false;
};

}  // namespace clocksim::sim
