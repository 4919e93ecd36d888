// A run's files are the same bytes whatever locale the process is in: every shipped scenario is
// run in the "C" locale and again with both the C library's and the C++ global locale set to one
// that writes "1,5" and "1.234.567", and every file is compared (summary.json without the run's
// own timing). Printf's %f, std::to_string(double) and stream output of numbers would all follow
// such a locale; the engine must use none of them for what it writes.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "sim/scenario/loader.hpp"
#include "tests/comma_locale.hpp"
#include "tests/sim/run/run_in_memory.hpp"
#include "tests/sim/yaml_files.hpp"

namespace clocksim::sim {
namespace {

TEST(RunScenarioLocale, EveryShippedScenarioWritesTheSameBytesInACommaDecimalLocale) {
  const auto files = clocksim::testing::yaml_files_in("scenarios");
  ASSERT_GE(files.size(), 30u);
  for (const auto& path : files) {
    const std::string file = path.string();
    SCOPED_TRACE(file);
    const auto in_c = testing::files_without_timing(scenario::load_scenario_file(file));
    std::map<std::string, std::string> in_comma;
    {
      const clocksim::testing::CommaLocale comma;
      ASSERT_TRUE(comma.active());
      // The locale reaches the program: printf would write a comma here.
      char probe[16];
      std::snprintf(probe, sizeof probe, "%.1f", 1.5);
      ASSERT_STREQ(probe, "1,5");
      in_comma = testing::files_without_timing(scenario::load_scenario_file(file));
    }
    ASSERT_EQ(in_c.size(), in_comma.size());
    for (const auto& [name, text] : in_c) {
      const auto it = in_comma.find(name);
      ASSERT_NE(it, in_comma.end()) << name;
      if (it->second == text) continue;
      // The first line that differs, for the message.
      std::istringstream a(text), b(it->second);
      std::string la, lb;
      while (std::getline(a, la) && std::getline(b, lb) && la == lb) {
      }
      ADD_FAILURE() << name << " differs in a comma locale:\n  C:     " << la << "\n  comma: " << lb;
    }
  }
}

}  // namespace
}  // namespace clocksim::sim
