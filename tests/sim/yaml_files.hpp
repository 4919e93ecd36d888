// The YAML files of a folder of the source tree, in name order: the shipped scenarios, a battery
// of cases. Tests that go over every file of a folder find new ones without being told.
#pragma once

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

namespace clocksim::testing {

inline std::vector<std::filesystem::path> yaml_files_in(const std::string& folder_under_source) {
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(std::filesystem::path(CLOCKSIM_SOURCE_DIR) / folder_under_source)) {
    if (e.path().extension() == ".yaml") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace clocksim::testing
