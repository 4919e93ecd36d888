#include "sim/output/atomic_file.hpp"

#include <cerrno>
#include <charconv>
#include <cstring>
#include <cstdint>
#include <cstdio>
#include <stdexcept>
#include <unistd.h>

namespace clocksim::sim {

namespace {
constexpr std::size_t kFlushBytes = 1 << 20;

// Unique among every temporary alive on the machine: the process id tells processes apart, and
// the writer's own address the writers of one process (two runs into one folder from the Python
// module's threads). The name is fixed before the file exists, so that it can be registered first.
std::string temp_path_for(const std::string& final_path, const void* writer) {
  const auto slash = final_path.find_last_of('/');
  const std::string dir = slash == std::string::npos ? "" : final_path.substr(0, slash + 1);
  const std::string base = slash == std::string::npos ? final_path : final_path.substr(slash + 1);
  char address[2 * sizeof(std::uintptr_t) + 1];
  const auto end = std::to_chars(address, address + sizeof(address), reinterpret_cast<std::uintptr_t>(writer), 16).ptr;
  return dir + "." + base + ".tmp." + std::to_string(::getpid()) + "." + std::string(address, end);
}

}  // namespace

WriteRefused::WriteRefused(std::string path, int error)
    : std::runtime_error("I/O error writing " + path + ": " + std::strerror(error)), path_(std::move(path)),
      error_(error) {}

// Registered before the temporary exists, so there is no moment at which a signal could leave it.
AtomicFile::AtomicFile(std::string final_path)
    : final_path_(std::move(final_path)), temp_path_(temp_path_for(final_path_, this)), pending_(temp_path_) {
  file_ = std::fopen(temp_path_.c_str(), "wb");
  if (!file_) throw std::runtime_error("cannot write " + temp_path_ + ": " + std::strerror(errno));
  pending_.created();
  buffer_.reserve(kFlushBytes + 4096);
}

AtomicFile::~AtomicFile() {
  if (file_) std::fclose(file_);
  if (!published_) std::remove(temp_path_.c_str());
}

void AtomicFile::discard() {
  std::remove(temp_path_.c_str());
  pending_.release();
}

void AtomicFile::flush_buffer() {
  if (buffer_.empty()) return;
  const bool ok = std::fwrite(buffer_.data(), 1, buffer_.size(), file_) == buffer_.size();
  buffer_.clear();
  if (!ok) throw WriteRefused(final_path_, errno);
}

void AtomicFile::write(std::string_view data) {
  buffer_.append(data);
  if (buffer_.size() >= kFlushBytes) flush_buffer();
}

void AtomicFile::finish() {
  flush_buffer();
  const bool close_failed = std::fclose(file_) != 0;
  const int close_error = errno;
  file_ = nullptr;
  if (close_failed) {
    discard();
    throw WriteRefused(final_path_, close_error);
  }
}

void AtomicFile::publish() {
  if (std::rename(temp_path_.c_str(), final_path_.c_str()) != 0) {
    const int rename_error = errno;
    discard();
    throw std::runtime_error("cannot rename into " + final_path_ + ": " + std::strerror(rename_error));
  }
  published_ = true;
  pending_.release();
}

void append_int(std::string& out, std::int64_t v) {
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

void append_csv_field(std::string& out, std::string_view field) {
  if (field.find_first_of(",\"\n\r") == std::string_view::npos) {
    out.append(field);
    return;
  }
  out.push_back('"');
  for (char c : field) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
}

}  // namespace clocksim::sim
