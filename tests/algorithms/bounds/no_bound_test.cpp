#include "algorithms/bounds/no_bound.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>
#include <string>

namespace clocksim::bounds {
namespace {

std::string file_text(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream os;
  os << in.rdbuf();
  return os.str();
}

// Programs group runs by these words (summary.json bound_why, sweep.csv): each reason has one of
// its own, snake_case, and docs/bounds.md lists it.
TEST(NoBound, EveryReasonHasItsOwnDocumentedWord) {
  const std::string doc = file_text(std::string(CLOCKSIM_SOURCE_DIR) + "/docs/bounds.md");
  ASSERT_FALSE(doc.empty()) << "docs/bounds.md not found";
  EXPECT_EQ(no_bound_word(NoBoundWhy::kNone), "");
  std::set<std::string> seen;
  for (int i = 1; i <= static_cast<int>(kLastNoBoundWhy); ++i) {
    const std::string word(no_bound_word(static_cast<NoBoundWhy>(i)));
    ASSERT_FALSE(word.empty()) << "reason " << i << " has no word";
    EXPECT_TRUE(seen.insert(word).second) << word << " names two reasons";
    for (const char c : word) EXPECT_TRUE((c >= 'a' && c <= 'z') || c == '_') << word;
    EXPECT_NE(doc.find("| `" + word + "` |"), std::string::npos) << word << " is missing from docs/bounds.md §9";
  }
}

TEST(NoBound, TestsTrueOnlyWithAReason) {
  EXPECT_FALSE(static_cast<bool>(NoBound()));
  EXPECT_TRUE(static_cast<bool>(NoBound(NoBoundWhy::kMessageLoss)));
}

}  // namespace
}  // namespace clocksim::bounds
