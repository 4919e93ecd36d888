// A file that appears complete or not at all: written to a temporary name in the same directory
// and renamed over the final name on commit() (or finish() now and publish() later, so that a set
// of files can be completed first and made visible together). Destroyed before it is published,
// it removes the temporary,
// so a failed run never leaves a half-written trace; the temporary is also registered as a
// PendingFile, so a run killed by a signal removes it too (pending_files.hpp).
#pragma once

#include <cstdint>
#include <cstdio>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "sim/output/pending_files.hpp"

namespace clocksim::sim {

// A write the system refused (a full disk, a file-size limit, a quota): "I/O error writing PATH:
// REASON". `at_ns`, when the run sets it, is the simulated time it had reached, so that the
// message can say how far it got.
class WriteRefused : public std::runtime_error {
 public:
  WriteRefused(std::string path, int error);
  const std::string& path() const { return path_; }
  int error() const { return error_; }
  std::optional<std::int64_t> at_ns;

 private:
  std::string path_;
  int error_;
};

class AtomicFile {
 public:
  // Throws std::runtime_error naming the path if the temporary cannot be created.
  explicit AtomicFile(std::string final_path);
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  // Buffered: writes go out in large blocks. Throws WriteRefused naming the path and the
  // system's reason as soon as a block cannot be written (disk full, file-size limit), so a run
  // that can no longer record stops at once instead of simulating on for nothing.
  void write(std::string_view data);
  void commit() {  // finish(), then publish()
    finish();
    publish();
  }
  // Writes out the rest and closes the temporary (fsync-free); throws WriteRefused on I/O error.
  void finish();
  // Renames the finished temporary over the final name; throws if it cannot.
  void publish();
  const std::string& path() const { return final_path_; }

 private:
  void flush_buffer();
  void discard();
  std::string final_path_;
  std::string temp_path_;
  PendingFile pending_;
  std::FILE* file_ = nullptr;
  std::string buffer_;
  bool published_ = false;
};

// Appends the decimal form of v (faster than streams on the trace hot path).
void append_int(std::string& out, std::int64_t v);
// Appends a CSV field, quoted when it contains a comma, quote or newline.
void append_csv_field(std::string& out, std::string_view field);

}  // namespace clocksim::sim
