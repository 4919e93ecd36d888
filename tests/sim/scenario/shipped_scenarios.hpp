// The scenario files shipped in scenarios/, for tests that run or check every one of them.
#pragma once

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

namespace clocksim::testing {

// Every scenarios/*.yaml (not the sweeps below it), by path, sorted.
inline std::vector<std::string> shipped_scenarios() {
  std::vector<std::string> files;
  for (const auto& e : std::filesystem::directory_iterator(std::string(CLOCKSIM_SOURCE_DIR) + "/scenarios")) {
    if (e.path().extension() == ".yaml") files.push_back(e.path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace clocksim::testing
