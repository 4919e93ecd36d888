// The folder a run writes to: made with whatever parents it lacks, and taken away again (only the
// folders made here, and only while empty) when the run ends without publishing, so that a
// refused or failed run leaves the file system as it found it.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace clocksim::sim {

class OutputDir {
 public:
  // Throws std::runtime_error saying why the folder cannot be made (a file in the way, no
  // permission, a read-only or pseudo file system).
  explicit OutputDir(const std::string& path);
  ~OutputDir();
  OutputDir(const OutputDir&) = delete;
  OutputDir& operator=(const OutputDir&) = delete;

  // The run published its files: the folders stay.
  void keep() { keep_ = true; }

 private:
  void remove_created();
  std::vector<std::filesystem::path> created_;  // outermost first
  bool keep_ = false;
};

}  // namespace clocksim::sim
