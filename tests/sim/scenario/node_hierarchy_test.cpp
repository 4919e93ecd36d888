// Per-node `servers:` and `reference_clock:` (NTP hierarchies) in both node forms.
#include <gtest/gtest.h>

#include "sim/scenario/error.hpp"
#include "sim/scenario/loader.hpp"

namespace clocksim::scenario {
namespace node_hierarchy_test {

ScenarioSpec load(const std::string& text) { return load_scenario_text(text, "test.yaml"); }

TEST(NodeHierarchy, ListFormResolvesNamesGivenLater) {
  const auto s = load(R"yaml(
duration: 10s
nodes:
  - {name: c1, servers: [s2, gps]}
  - {name: s2, servers: [gps]}
  - {name: gps, reference_clock: "uniform(-1us, 1us)"}
  - plain
)yaml");
  ASSERT_TRUE(s.nodes[0].hierarchy);
  EXPECT_EQ(s.nodes[0].hierarchy->servers, (std::vector<NodeId>{1, 2}));
  EXPECT_FALSE(s.nodes[0].hierarchy->reference_error_ns);
  EXPECT_EQ(s.nodes[1].hierarchy->servers, (std::vector<NodeId>{2}));
  ASSERT_TRUE(s.nodes[2].hierarchy && s.nodes[2].hierarchy->reference_error_ns);
  EXPECT_DOUBLE_EQ(s.nodes[2].hierarchy->reference_error_ns->upper_bound(), 1000);
  EXPECT_FALSE(s.nodes[3].hierarchy);
}

TEST(NodeHierarchy, OverridesForm) {
  const auto s = load("duration: 10s\nnodes: {count: 4, overrides: {n0: {reference_clock: 0s}, n3: {servers: [n0, n1]}}}\n");
  ASSERT_TRUE(s.nodes[0].hierarchy);
  EXPECT_TRUE(s.nodes[0].hierarchy->reference_error_ns);
  EXPECT_EQ(s.nodes[3].hierarchy->servers, (std::vector<NodeId>{0, 1}));
}

TEST(NodeHierarchy, BadServersAreLocatedErrors) {
  auto message = [](const std::string& text) {
    try {
      load(text);
    } catch (const ScenarioError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(message("duration: 1s\nnodes:\n  - {name: a, servers: [b]}\n  - c\n").find("test.yaml:3:"), std::string::npos);
  EXPECT_NE(message("duration: 1s\nnodes:\n  - {name: a, servers: [a]}\n").find("its own server"), std::string::npos);
  EXPECT_NE(message("duration: 1s\nnodes:\n  - {name: a, servers: [b, b]}\n  - b\n").find("listed twice"), std::string::npos);
  EXPECT_NE(message("duration: 1s\nnodes:\n  - {name: a, servers: b}\n").find("list of node names"), std::string::npos);
  EXPECT_NE(message("duration: 1s\nnodes:\n  - {name: a, reference_clock: fast}\n").find("reference_clock"), std::string::npos);
}

}  // namespace node_hierarchy_test
}  // namespace clocksim::scenario
