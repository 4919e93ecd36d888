// Robustness: thousands of random edits of good scenarios must each either load or fail with a
// located ScenarioError; never another exception, a crash or a hang (ASan/UBSan runs this too).
#include "sim/scenario/loader.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

namespace clocksim::scenario {
namespace {

std::string read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Raw engine output only: std:: distributions differ between standard libraries.
std::size_t pick(std::mt19937_64& rng, std::size_t n) { return n == 0 ? 0 : static_cast<std::size_t>(rng() % n); }

std::string mutate(std::string text, std::mt19937_64& rng) {
  static const std::string kAlphabet = " \n\t:-,[]{}()&*!'\"#|>=+.0123456789abcnmsuxyz_~?%@`\\";
  static const std::vector<std::string> kTokens = {"uniform(", ")", "ms", "s", "n0", "n99", "rest", "master", "-1",
                                                   "1e308", "0", "null", "&a", "*a", "<<: ", "true", "1.5 * bound",
                                                   "\n  - ", ": ", "[[", "]]", "{", "}", "adversarial(1ms, 2ms)"};
  const int edits = 1 + static_cast<int>(pick(rng, 4));
  for (int e = 0; e < edits && !text.empty(); ++e) {
    const std::size_t at = pick(rng, text.size());
    switch (pick(rng, 5)) {
      case 0: text.erase(at, 1 + pick(rng, 8)); break;
      case 1: text.insert(at, 1, kAlphabet[pick(rng, kAlphabet.size())]); break;
      case 2: text.insert(at, kTokens[pick(rng, kTokens.size())]); break;
      case 3: text[at] = kAlphabet[pick(rng, kAlphabet.size())]; break;
      default: {  // duplicate a line elsewhere
        const std::size_t start = text.rfind('\n', at) == std::string::npos ? 0 : text.rfind('\n', at) + 1;
        const std::size_t end = text.find('\n', at);
        const std::string line = text.substr(start, end == std::string::npos ? std::string::npos : end - start + 1);
        text.insert(pick(rng, text.size()), line);
      }
    }
  }
  return text;
}

TEST(ScenarioMutation, RandomEditsLoadOrFailWithALocatedError) {
  const std::string dir = std::string(CLOCKSIM_SOURCE_DIR) + "/tests/sim/scenario/good/";
  const std::vector<std::string> seeds{read(dir + "everything.yaml"), read(dir + "node-mapping.yaml")};
  std::mt19937_64 rng(20261122);
  int loaded = 0, rejected = 0;
  for (int i = 0; i < 3000; ++i) {
    const std::string text = mutate(seeds[static_cast<std::size_t>(i) % seeds.size()], rng);
    try {
      (void)load_scenario_text(text, dir + "mutant.yaml");
      ++loaded;
    } catch (const ScenarioError& e) {
      ++rejected;
      if (std::getenv("CLOCKSIM_SHOW_MUTANTS")) std::printf("%s\n", e.what());
      const bool located = e.line() >= 1 && e.column() >= 1;
      EXPECT_TRUE(located) << e.what() << "\n--- input ---\n" << text;
    } catch (const std::exception& e) {
      ADD_FAILURE() << "non-scenario exception: " << e.what() << "\n--- input ---\n" << text;
    }
  }
  // Both outcomes must occur, or the mutations are not exercising anything.
  EXPECT_GT(loaded, 20);
  EXPECT_GT(rejected, 1000);
}

}  // namespace
}  // namespace clocksim::scenario
