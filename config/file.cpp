#include "config/file.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "config/error.hpp"

namespace clocksim::config {

std::string read_text_file(const std::string& path, std::string_view what) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) throw ConfigError(path, 0, 0, "", "is a directory, not a " + std::string(what));
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError(path, 0, 0, "", "cannot open the " + std::string(what));
  const auto size = std::filesystem::file_size(path, ec);
  if (!ec && size > yaml::Limits{}.max_bytes) {
    throw ConfigError(path, 1, 1, "", "file is larger than " + std::to_string(yaml::Limits{}.max_bytes) + " bytes");
  }
  std::ostringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

yaml::Node load_yaml_file(const std::string& path, std::string_view what) {
  return yaml::parse_document(read_text_file(path, what), path);
}

}  // namespace clocksim::config
