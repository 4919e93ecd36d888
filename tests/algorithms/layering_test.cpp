// Layering: algorithms/ is sans-IO and shared by the simulator and the daemon, so no file under it
// may include anything from sim/ or daemon/ (DESIGN.md, "Layers and who may include whom").
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string_view>
#include <string>
#include <vector>

namespace {

// An #include of a header under sim/ or daemon/ (quoted or angled, any spacing).
// (Hand-written rather than std::regex: GCC 12's <regex> trips -Wmaybe-uninitialized under the
// sanitizer preset.)
bool includes_forbidden_layer(std::string_view line) {
  auto skip_space = [&] {
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
  };
  auto eat = [&](std::string_view word) {
    if (line.substr(0, word.size()) != word) return false;
    line.remove_prefix(word.size());
    return true;
  };
  skip_space();
  if (!eat("#")) return false;
  skip_space();
  if (!eat("include")) return false;
  skip_space();
  if (!eat("\"") && !eat("<")) return false;
  skip_space();
  while (eat("../")) {
  }
  return eat("sim/") || eat("daemon/");
}

TEST(Layering, MatcherRecognisesForbiddenIncludes) {
  EXPECT_TRUE(includes_forbidden_layer("#include \"sim/time.hpp\""));
  EXPECT_TRUE(includes_forbidden_layer("  #  include <daemon/wire/codec.hpp>"));
  EXPECT_TRUE(includes_forbidden_layer("#include \"../sim/clock/clock_model.hpp\""));
  EXPECT_FALSE(includes_forbidden_layer("#include \"algorithms/core/time.hpp\""));
  EXPECT_FALSE(includes_forbidden_layer("// #include \"sim/time.hpp\" would be wrong"));
  EXPECT_FALSE(includes_forbidden_layer("#include \"algorithms/simple/daemon_like.hpp\""));
}

TEST(Layering, AlgorithmsNeverIncludeSimOrDaemon) {
  const std::filesystem::path root = std::filesystem::path(CLOCKSIM_SOURCE_DIR) / "algorithms";
  ASSERT_TRUE(std::filesystem::is_directory(root)) << root;
  std::vector<std::string> violations;
  int files = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
    if (!entry.is_regular_file()) continue;
    const auto ext = entry.path().extension().string();
    if (ext != ".hpp" && ext != ".cpp" && ext != ".h" && ext != ".cc" && ext != ".ipp") continue;
    ++files;
    std::ifstream in(entry.path());
    std::string line;
    int line_no = 0;
    while (std::getline(in, line)) {
      ++line_no;
      if (includes_forbidden_layer(line)) {
        violations.push_back(std::filesystem::relative(entry.path(), CLOCKSIM_SOURCE_DIR).string() + ":" +
                             std::to_string(line_no) + ": " + line);
      }
    }
  }
  EXPECT_GT(files, 10);  // the scan did look at the tree
  for (const auto& v : violations) ADD_FAILURE() << "algorithms/ must not include sim/ or daemon/: " << v;
}

}  // namespace
