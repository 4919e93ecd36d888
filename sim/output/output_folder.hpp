// Where a run's files go: a folder on disk (each file atomic, docs/output-formats.md) or memory
// (the Python module and other in-process callers). The recorder and the summary write through
// this, so a file's bytes are the same wherever they end up.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>

namespace clocksim::sim {

class OutputFile {
 public:
  virtual ~OutputFile() = default;
  virtual void write(std::string_view data) = 0;
  // The file becomes visible (complete) only now; a file never committed leaves nothing.
  virtual void commit() = 0;
};

class OutputFolder {
 public:
  virtual ~OutputFolder() = default;
  virtual std::unique_ptr<OutputFile> create(const std::string& name) = 0;
};

// Files under `dir` (which must exist), each written to a temporary and renamed on commit.
class DiskFolder final : public OutputFolder {
 public:
  explicit DiskFolder(std::string dir) : dir_(std::move(dir)) {}
  std::unique_ptr<OutputFile> create(const std::string& name) override;

 private:
  std::string dir_;
};

// Files kept as strings; only committed files appear in files().
class MemoryFolder final : public OutputFolder {
 public:
  std::unique_ptr<OutputFile> create(const std::string& name) override;
  const std::map<std::string, std::string>& files() const { return files_; }
  std::map<std::string, std::string> take_files() { return std::move(files_); }

 private:
  std::map<std::string, std::string> files_;
};

}  // namespace clocksim::sim
