#include "config/file.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "config/error.hpp"

namespace clocksim::config {

BoundedText read_bounded(const std::string& path, std::size_t max_bytes) {
  BoundedText out;
  std::ifstream in(path, std::ios::binary);
  if (!in) return out;
  out.opened = true;
  constexpr std::size_t kChunk = 1 << 16;
  std::string chunk(kChunk, '\0');
  while (out.text.size() <= max_bytes) {
    in.read(chunk.data(), static_cast<std::streamsize>(std::min(kChunk, max_bytes + 1 - out.text.size())));
    const auto got = static_cast<std::size_t>(in.gcount());
    out.text.append(chunk.data(), got);
    if (got == 0 || !in) break;
  }
  out.complete = out.text.size() <= max_bytes;
  if (!out.complete) out.text.clear();
  return out;
}

std::string read_text_file(const std::string& path, std::string_view what) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) throw ConfigError(path, 0, 0, "", "is a directory, not a " + std::string(what));
  const std::size_t limit = yaml::Limits{}.max_bytes;
  BoundedText file = read_bounded(path, limit);
  if (!file.opened) throw ConfigError(path, 0, 0, "", "cannot open the " + std::string(what));
  if (!file.complete) throw ConfigError(path, 1, 1, "", "file is larger than " + std::to_string(limit) + " bytes");
  return std::move(file.text);
}

yaml::Node load_yaml_file(const std::string& path, std::string_view what) {
  return yaml::parse_document(read_text_file(path, what), path);
}

}  // namespace clocksim::config
