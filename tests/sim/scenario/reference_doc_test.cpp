// docs/scenario-reference.md carries generated algorithm tables between markers; this test
// fails when they are stale (regenerate with CLOCKSIM_UPDATE_SCHEMA=1, see json_schema_test).
#include "sim/scenario/reference_doc.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "algorithms/registry.hpp"
#include "sim/scenario/keys.hpp"

namespace clocksim::scenario {
namespace {

const std::string kDoc = std::string(CLOCKSIM_SOURCE_DIR) + "/docs/scenario-reference.md";

std::string read_doc() {
  std::ifstream in(kDoc, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(ReferenceDoc, GeneratedAlgorithmTablesAreCurrent) {
  std::string doc = read_doc();
  const auto begin = doc.find(kGeneratedBegin);
  const auto end = doc.find(kGeneratedEnd);
  ASSERT_NE(begin, std::string::npos);
  ASSERT_NE(end, std::string::npos);
  const std::size_t body = begin + std::string(kGeneratedBegin).size();
  const std::string generated = "\n" + algorithm_reference_markdown() + "\n";
  std::string current = doc.substr(body, end - body);
  if (const char* update = std::getenv("CLOCKSIM_UPDATE_SCHEMA"); update && std::string(update) == "1") {
    doc = doc.substr(0, body) + generated + doc.substr(end);
    std::ofstream(kDoc, std::ios::binary) << doc;
    // The file now holds the tables just written: the regenerating run itself passes.
    current = read_doc().substr(body, generated.size());
  }
  EXPECT_TRUE(current == generated)
      << "docs/scenario-reference.md's algorithm tables are stale; regenerate with\n"
         "  CLOCKSIM_UPDATE_SCHEMA=1 build/ci/tests/sim_tests --gtest_filter='JsonSchema.*:ReferenceDoc.*'";
}

TEST(ReferenceDoc, EveryKeyAndKindIsDocumented) {
  const std::string doc = read_doc();
  std::vector<const std::vector<std::string>*> lists{
      &keys::top_level(), &keys::nodes_mapping(), &keys::node_entry(), &keys::clocks(), &keys::topology_kinds(),
      &keys::topology_file(), &keys::links(), &keys::link_override(), &keys::algorithm(), &keys::fault_entry(),
      &keys::clock_step(), &keys::expect_kinds(), &keys::expect_window(), &keys::output(), &keys::distribution_kinds()};
  for (const auto* list : lists) {
    for (const auto& k : *list) EXPECT_NE(doc.find("`" + k), std::string::npos) << "undocumented: " << k;
  }
  for (const auto& a : algorithms::catalogue()) EXPECT_NE(doc.find("`" + a.kind + "`"), std::string::npos) << a.kind;
}

}  // namespace
}  // namespace clocksim::scenario

#include "sim/scenario/loader.hpp"

namespace clocksim::scenario {
namespace {

// Every complete example in the reference (a ```yaml block with a duration) must load.
TEST(ReferenceDoc, CompleteExamplesLoad) {
  const std::string doc = read_doc();
  int examples = 0;
  std::size_t pos = 0;
  while ((pos = doc.find("```yaml\n", pos)) != std::string::npos) {
    const std::size_t start = pos + 8;
    const std::size_t end = doc.find("```", start);
    ASSERT_NE(end, std::string::npos);
    const std::string block = doc.substr(start, end - start);
    pos = end + 3;
    if (block.find("duration:") == std::string::npos) continue;
    ++examples;
    EXPECT_NO_THROW(load_scenario_text(block, "scenario-reference-example.yaml")) << block;
  }
  EXPECT_GE(examples, 1);
}

}  // namespace
}  // namespace clocksim::scenario
