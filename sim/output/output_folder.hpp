// Where a run's files go: a folder on disk or memory (the Python module and other in-process
// callers). The recorder and the summary write through this, so a file's bytes are the same
// wherever they end up. On disk a run's files appear together or not at all (docs/output-formats.md):
// each is completed on commit() but made visible only by publish(), once all of them are.
#pragma once

#include <map>
#include <memory>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace clocksim::sim {

class AtomicFile;

class OutputFile {
 public:
  virtual ~OutputFile() = default;
  virtual void write(std::string_view data) = 0;
  // The file is complete; it becomes visible when its folder is published. A file never
  // committed leaves nothing.
  virtual void commit() = 0;
};

class OutputFolder {
 public:
  virtual ~OutputFolder() = default;
  virtual std::unique_ptr<OutputFile> create(const std::string& name) = 0;
  // Called once, when every file of the run is committed: removes each of `run_files` that this
  // run did not write (a folder reused by another run must not keep the old run's files, which
  // would be read as this one's: a messages.csv the new run did not ask for, a trace.csv beside
  // the new trace.csv.gz), then makes the committed files visible in the order of their commits.
  // A run that fails before this, or in it, leaves the folder as it was.
  virtual void publish(std::span<const std::string_view> run_files) = 0;
};

// Files under `dir` (which must exist), each written to a temporary and renamed by publish().
// Destroyed unpublished, it removes every temporary.
class DiskFolder final : public OutputFolder {
 public:
  explicit DiskFolder(std::string dir);
  ~DiskFolder() override;
  std::unique_ptr<OutputFile> create(const std::string& name) override;
  void publish(std::span<const std::string_view> run_files) override;

  // A committed file waits here for publish().
  void stage(std::unique_ptr<AtomicFile> file);

 private:
  std::string dir_;
  std::set<std::string, std::less<>> created_;
  std::vector<std::unique_ptr<AtomicFile>> staged_;
};

// Files kept as strings; only committed files appear in files().
class MemoryFolder final : public OutputFolder {
 public:
  std::unique_ptr<OutputFile> create(const std::string& name) override;
  void publish(std::span<const std::string_view>) override {}  // commit() already stored the file
  const std::map<std::string, std::string>& files() const { return files_; }
  std::map<std::string, std::string> take_files() { return std::move(files_); }

 private:
  std::map<std::string, std::string> files_;
};

}  // namespace clocksim::sim
