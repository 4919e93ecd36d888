#include "sim/output/output_folder.hpp"

#include "sim/output/atomic_file.hpp"

namespace clocksim::sim {
namespace {

class DiskFile final : public OutputFile {
 public:
  explicit DiskFile(std::string path) : file_(std::move(path)) {}
  void write(std::string_view data) override { file_.write(data); }
  void commit() override { file_.commit(); }

 private:
  AtomicFile file_;
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

}  // namespace

std::unique_ptr<OutputFile> DiskFolder::create(const std::string& name) {
  return std::make_unique<DiskFile>(dir_ + "/" + name);
}

std::unique_ptr<OutputFile> MemoryFolder::create(const std::string& name) {
  return std::make_unique<MemoryFile>(files_, name);
}

}  // namespace clocksim::sim
