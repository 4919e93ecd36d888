#include "sim/output/atomic_file.hpp"

#include <charconv>
#include <cstdint>
#include <cstdio>
#include <stdexcept>
#include <unistd.h>

namespace clocksim::sim {

namespace {
constexpr std::size_t kFlushBytes = 1 << 20;
}

AtomicFile::AtomicFile(std::string final_path) : final_path_(std::move(final_path)) {
  const auto slash = final_path_.find_last_of('/');
  const std::string dir = slash == std::string::npos ? "" : final_path_.substr(0, slash + 1);
  const std::string base = slash == std::string::npos ? final_path_ : final_path_.substr(slash + 1);
  temp_path_ = dir + "." + base + ".tmp." + std::to_string(::getpid());
  file_ = std::fopen(temp_path_.c_str(), "wb");
  if (!file_) throw std::runtime_error("cannot write " + temp_path_);
  buffer_.reserve(kFlushBytes + 4096);
}

AtomicFile::~AtomicFile() {
  if (file_) {
    std::fclose(file_);
    std::remove(temp_path_.c_str());
  }
}

void AtomicFile::flush_buffer() {
  if (buffer_.empty()) return;
  if (std::fwrite(buffer_.data(), 1, buffer_.size(), file_) != buffer_.size()) failed_ = true;
  buffer_.clear();
}

void AtomicFile::write(std::string_view data) {
  buffer_.append(data);
  if (buffer_.size() >= kFlushBytes) flush_buffer();
}

void AtomicFile::commit() {
  flush_buffer();
  const bool close_failed = std::fclose(file_) != 0;
  file_ = nullptr;
  if (failed_ || close_failed) {
    std::remove(temp_path_.c_str());
    throw std::runtime_error("I/O error writing " + final_path_);
  }
  if (std::rename(temp_path_.c_str(), final_path_.c_str()) != 0) {
    std::remove(temp_path_.c_str());
    throw std::runtime_error("cannot rename into " + final_path_);
  }
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
