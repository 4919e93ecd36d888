// Layering (DESIGN.md, "Layers and who may include whom"): algorithms/ is sans-IO and shared by
// the simulator and the daemon, so no file under it may include sim/, daemon/ or node/; node/
// (wire format, node loop) serves both worlds, so it includes neither sim/ nor daemon/; the
// simulator needs no sockets (no daemon/) and production code never links the engine (no sim/).
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
bool includes_layer(std::string_view line, const std::vector<std::string_view>& layers) {
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
  for (const auto layer : layers) {
    if (line.substr(0, layer.size()) == layer) return true;
  }
  return false;
}

bool includes_forbidden_layer(std::string_view line) { return includes_layer(line, {"sim/", "daemon/"}); }

TEST(Layering, MatcherRecognisesForbiddenIncludes) {
  EXPECT_TRUE(includes_forbidden_layer("#include \"sim/time.hpp\""));
  EXPECT_TRUE(includes_forbidden_layer("  #  include <daemon/wire/codec.hpp>"));
  EXPECT_TRUE(includes_forbidden_layer("#include \"../sim/clock/clock_model.hpp\""));
  EXPECT_FALSE(includes_forbidden_layer("#include \"algorithms/core/time.hpp\""));
  EXPECT_FALSE(includes_forbidden_layer("// #include \"sim/time.hpp\" would be wrong"));
  EXPECT_FALSE(includes_forbidden_layer("#include \"algorithms/simple/daemon_like.hpp\""));
}

// Every #include under `folder` that names one of `layers`, as "file:line: text".
std::vector<std::string> violations_in(const std::string& folder, const std::vector<std::string_view>& layers,
                                       int& files) {
  const std::filesystem::path root = std::filesystem::path(CLOCKSIM_SOURCE_DIR) / folder;
  std::vector<std::string> violations;
  files = 0;
  if (!std::filesystem::is_directory(root)) return {"missing folder " + root.string()};
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
      if (includes_layer(line, layers)) {
        violations.push_back(std::filesystem::relative(entry.path(), CLOCKSIM_SOURCE_DIR).string() + ":" +
                             std::to_string(line_no) + ": " + line);
      }
    }
  }
  return violations;
}

TEST(Layering, AlgorithmsNeverIncludeSimDaemonOrNode) {
  int files = 0;
  const auto v = violations_in("algorithms", {"sim/", "daemon/", "node/"}, files);
  EXPECT_GT(files, 10);  // the scan did look at the tree
  for (const auto& line : v) ADD_FAILURE() << "algorithms/ must not include sim/, daemon/ or node/: " << line;
}

TEST(Layering, NodeNeverIncludesSimOrDaemon) {
  int files = 0;
  const auto v = violations_in("node", {"sim/", "daemon/"}, files);
  EXPECT_GT(files, 5);
  for (const auto& line : v) ADD_FAILURE() << "node/ must not include sim/ or daemon/: " << line;
}

TEST(Layering, SimulatorNeedsNoSocketsAndDaemonNoEngine) {
  int files = 0;
  for (const auto& line : violations_in("sim", {"daemon/"}, files)) ADD_FAILURE() << "sim/ must not include daemon/: " << line;
  EXPECT_GT(files, 10);
  for (const auto& line : violations_in("daemon", {"sim/"}, files)) ADD_FAILURE() << "daemon/ must not include sim/: " << line;
  EXPECT_GT(files, 5);
}

}  // namespace
