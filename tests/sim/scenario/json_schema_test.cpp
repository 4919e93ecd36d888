// docs/scenario.schema.json is the committed output of scenario_json_schema(): this test fails
// when they differ. Regenerate with
//   CLOCKSIM_UPDATE_SCHEMA=1 build/ci/tests/sim_tests --gtest_filter='JsonSchema.*'
#include "sim/scenario/json_schema.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "algorithms/registry.hpp"
#include "sim/scenario/distribution_parse.hpp"
#include "sim/scenario/error.hpp"
#include "sim/scenario/keys.hpp"

namespace clocksim::scenario {
namespace {

const std::string kSchemaFile = std::string(CLOCKSIM_SOURCE_DIR) + "/docs/scenario.schema.json";

TEST(JsonSchema, CommittedFileMatchesTheGenerator) {
  const std::string generated = scenario_json_schema();
  if (const char* update = std::getenv("CLOCKSIM_UPDATE_SCHEMA"); update && std::string(update) == "1") {
    std::ofstream(kSchemaFile, std::ios::binary) << generated;
  }
  std::ifstream in(kSchemaFile, std::ios::binary);
  std::ostringstream committed;
  committed << in.rdbuf();
  EXPECT_TRUE(committed.str() == generated)
      << "docs/scenario.schema.json is stale; regenerate it with\n"
         "  CLOCKSIM_UPDATE_SCHEMA=1 build/ci/tests/sim_tests --gtest_filter='JsonSchema.*'";
}

TEST(JsonSchema, ShapeFollowsTheLoaderKeysAndTheCatalogue) {
  const auto schema = nlohmann::json::parse(scenario_json_schema());
  EXPECT_EQ(schema["$schema"], "https://json-schema.org/draft/2020-12/schema");
  EXPECT_EQ(schema["additionalProperties"], false);
  std::vector<std::string> props;
  for (const auto& [k, v] : schema["properties"].items()) props.push_back(k);
  std::sort(props.begin(), props.end());
  auto expected = keys::top_level();
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(props, expected);
  const std::string text = schema.dump();
  for (const auto& a : algorithms::catalogue()) {
    EXPECT_NE(text.find("\"const\":\"" + a.kind + "\""), std::string::npos) << a.kind;
    for (const auto& p : a.params) EXPECT_TRUE(text.find("\"" + p.name + "\"") != std::string::npos) << p.name;
  }
}

TEST(JsonSchema, DistributionKindListMatchesTheParser) {
  for (const auto& kind : keys::distribution_kinds()) {
    yaml::Node n;
    n.kind = yaml::Node::Kind::kScalar;
    n.text = kind + "(1ms, 2ms)";
    n.pos = yaml::Pos{std::make_shared<const std::string>("t"), 1, 1};
    try {
      parse_distribution(n, "x", Quantity::kLatency);
    } catch (const ScenarioError& e) {
      EXPECT_EQ(e.message().find("unknown distribution"), std::string::npos) << e.what();
    }
  }
}

}  // namespace
}  // namespace clocksim::scenario
