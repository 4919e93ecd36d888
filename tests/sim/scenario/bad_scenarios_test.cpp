// The bad-input battery: every tests/sim/scenario/bad/*.yaml must fail to load with exactly the
// error its "# expect-error:" line names.
//   # expect-error: L:C: <text>   what() must start with "<file>:L:C: error: <text>"
//   # expect-error: --set ...      (command-line errors) what() must start with the text itself
//   # set: key.path=value          applied as a --set override first
// In <text>, "{dir}/" stands for this directory (a file the scenario names, as resolved).
#include "sim/scenario/loader.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/comma_locale.hpp"

namespace clocksim::scenario {
namespace {

struct BadCase {
  std::string file;
  std::string expected_prefix;
  LoadOptions options;
};

const std::string kBadDir = std::string(CLOCKSIM_SOURCE_DIR) + "/tests/sim/scenario/bad";

std::vector<BadCase> bad_cases() {
  std::vector<BadCase> cases;
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(kBadDir)) {
    if (e.path().extension() == ".yaml") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  for (const auto& path : files) {
    BadCase c;
    c.file = path.string();
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line)) {
      const std::string expect_tag = "# expect-error: ";
      const std::string set_tag = "# set: ";
      if (line.rfind(set_tag, 0) == 0) c.options.set_overrides.push_back(line.substr(set_tag.size()));
      if (line.rfind(expect_tag, 0) != 0) continue;
      const std::string spec = line.substr(expect_tag.size());
      if (spec.rfind("--set ", 0) == 0) {
        c.expected_prefix = spec;
      } else {
        // "L:C: text" -> "<file>:L:C: error: text"; "L:" alone checks the line only.
        const auto first = spec.find(':');
        const auto second = spec.find(':', first + 1);
        if (second == std::string::npos) {
          c.expected_prefix = c.file + ":" + spec.substr(0, first) + ":";
        } else {
          std::string text = spec.substr(second + 1);
          if (!text.empty() && text[0] == ' ') text.erase(0, 1);
          for (std::size_t at; (at = text.find("{dir}/")) != std::string::npos;) text.replace(at, 5, kBadDir);
          c.expected_prefix = c.file + ":" + spec.substr(0, second) + ": error: " + text;
        }
      }
    }
    cases.push_back(std::move(c));
  }
  return cases;
}

TEST(BadScenarios, BatteryIsLargeAndEveryFileStatesItsError) {
  const auto cases = bad_cases();
  EXPECT_GE(cases.size(), 25u);
  for (const auto& c : cases) EXPECT_FALSE(c.expected_prefix.empty()) << c.file << " has no '# expect-error:' line";
}

void expect_each_file_gives_exactly_its_error() {
  for (const auto& c : bad_cases()) {
    SCOPED_TRACE(c.file);
    try {
      (void)load_scenario_file(c.file, c.options);
      ADD_FAILURE() << c.file << " loaded without error";
    } catch (const ScenarioError& e) {
      const std::string what = e.what();
      EXPECT_EQ(what.substr(0, c.expected_prefix.size()), c.expected_prefix) << "full error: " << what;
    }
  }
}

TEST(BadScenarios, EachFileGivesExactlyItsError) { expect_each_file_gives_exactly_its_error(); }

// The same messages, numbers and all, in a process whose locale writes "1,5": a number in an
// error is the one the file holds, as the user wrote it.
TEST(BadScenarios, EachFileGivesExactlyItsErrorInACommaDecimalLocale) {
  const clocksim::testing::CommaLocale comma;
  ASSERT_TRUE(comma.active());
  expect_each_file_gives_exactly_its_error();
}

}  // namespace
}  // namespace clocksim::scenario
