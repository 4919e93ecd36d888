#include "sim/output/output_folder.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "sim/output/atomic_file.hpp"
#include "sim/output/replaced_files.hpp"

namespace clocksim::sim {
namespace {

class DiskFile final : public OutputFile {
 public:
  DiskFile(DiskFolder& folder, std::string path) : folder_(folder), file_(std::make_unique<AtomicFile>(std::move(path))) {}
  void write(std::string_view data) override { file_->write(data); }
  void commit() override {
    file_->finish();
    folder_.stage(std::move(file_));
  }

 private:
  DiskFolder& folder_;
  std::unique_ptr<AtomicFile> file_;
};

class MemoryFile final : public OutputFile {
 public:
  MemoryFile(std::map<std::string, std::string>& files, std::string name) : files_(files), name_(std::move(name)) {}
  void write(std::string_view data) override { text_.append(data); }
  void commit() override { files_[name_] = std::move(text_); }

 private:
  std::map<std::string, std::string>& files_;
  std::string name_;
  std::string text_;
};

// An exclusive flock on the folder while a run's files replace another's: two runs publishing
// into one folder at once would otherwise leave one's trace beside the other's summary. Each run
// still writes its temporaries side by side; only the swap is one at a time, and the folder then
// holds the whole of the run that published last.
class FolderLock {
 public:
  explicit FolderLock(const std::string& dir) : fd_(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) {
    if (fd_ < 0) throw std::runtime_error("cannot open " + dir + " to publish the run's files: " + std::strerror(errno));
    while (::flock(fd_, LOCK_EX) != 0) {
      if (errno == EINTR) continue;
      const int error = errno;
      ::close(fd_);
      throw std::runtime_error("cannot lock " + dir + " to publish the run's files: " + std::strerror(error));
    }
  }
  ~FolderLock() { ::close(fd_); }  // closing the last descriptor releases the lock
  FolderLock(const FolderLock&) = delete;
  FolderLock& operator=(const FolderLock&) = delete;

 private:
  int fd_;
};

}  // namespace

DiskFolder::DiskFolder(std::string dir) : dir_(std::move(dir)) {}
DiskFolder::~DiskFolder() = default;

std::unique_ptr<OutputFile> DiskFolder::create(const std::string& name) {
  created_.insert(name);
  return std::make_unique<DiskFile>(*this, dir_ + "/" + name);
}

void DiskFolder::stage(std::unique_ptr<AtomicFile> file) { staged_.push_back(std::move(file)); }

void DiskFolder::publish(std::span<const std::string_view> run_files) {
  const FolderLock lock(dir_);
  // Every file this publish replaces or removes is moved aside before the first new file is
  // renamed in, so that any failure can put the folder back as it was.
  ReplacedFiles replaced;
  for (const auto& file : staged_) replaced.set_aside(file->path());
  for (std::string_view name : run_files) {
    if (!created_.contains(name)) replaced.set_aside(dir_ + "/" + std::string(name));
  }
  for (const auto& file : staged_) {
    file->publish();
    replaced.placed(file->path());
  }
  replaced.keep_new();
  staged_.clear();
}

std::unique_ptr<OutputFile> MemoryFolder::create(const std::string& name) {
  return std::make_unique<MemoryFile>(files_, name);
}

}  // namespace clocksim::sim
