// The algorithm block against a made-up catalogue that uses every parameter type.
#include "sim/scenario/algorithm_parse.hpp"

#include <gtest/gtest.h>

#include "sim/scenario/error.hpp"

namespace clocksim::scenario {
namespace {

using namespace clocksim::literals;
using algorithms::AlgorithmInfo;
using algorithms::Layer;

std::vector<AlgorithmInfo> fake_catalogue() {
  std::vector<ParamSpec> params;
  params.push_back({"flag", ParamType::kBool, false, "", -1e300, 1e300, {}});
  params.push_back({"count", ParamType::kInt, std::int64_t{3}, "", 1, 10, {}});
  params.push_back({"ratio", ParamType::kDouble, 0.5, "", 0, 1, {}});
  params.push_back({"period", ParamType::kDuration, 10_s, "", 1e6, 1e12, {}});
  params.push_back({"timeout", ParamType::kDurationRange, DurationRange{6_s, 15_s}, "", 0, 1e12, {}});
  params.push_back({"mode", ParamType::kChoice, std::string("fast"), "", -1e300, 1e300, {"fast", "slow"}});
  return {{"none", Layer::kSync, "", {}}, {"fake", Layer::kSync, "", params}, {"vote", Layer::kElection, "", {}}};
}

AlgorithmSpec parse(const std::string& text) {
  const yaml::Node root = yaml::parse_document(text, "t");
  return parse_algorithm(root.find("algorithm"), "algorithm", fake_catalogue());
}

std::string error_of(const std::string& text) {
  try {
    parse(text);
  } catch (const ScenarioError& e) {
    return e.what();
  }
  return "no error";
}

TEST(AlgorithmParse, DefaultsAreFilledAndValuesTyped) {
  const auto a = parse("algorithm:\n  sync: {kind: fake, count: 7, timeout: 'uniform(1s, 2s)', mode: slow}\n");
  EXPECT_EQ(a.sync.kind, "fake");
  EXPECT_EQ(a.sync.params.values().size(), 6u);
  EXPECT_FALSE(a.sync.params.get_bool("flag"));
  EXPECT_EQ(a.sync.params.get_int("count"), 7);
  EXPECT_DOUBLE_EQ(a.sync.params.get_double("ratio"), 0.5);
  EXPECT_EQ(a.sync.params.get_duration("period"), 10_s);
  EXPECT_EQ(a.sync.params.get_range("timeout"), (DurationRange{1_s, 2_s}));
  EXPECT_EQ(a.sync.params.get_choice("mode"), "slow");
  EXPECT_TRUE(a.election.kind.empty());
}

TEST(AlgorithmParse, ShorthandAndAbsence) {
  EXPECT_EQ(parse("algorithm:\n  sync: fake\n").sync.params.get_int("count"), 3);
  EXPECT_EQ(parse("x: 1\n").sync.kind, "none");
  EXPECT_EQ(parse("algorithm:\n  election: vote\n").election.kind, "vote");
  EXPECT_TRUE(parse("algorithm:\n  election: none\n").election.kind.empty());
  EXPECT_EQ(parse("algorithm:\n  sync: {kind: fake, timeout: 3s}\n").sync.params.get_range("timeout"),
            (DurationRange{3_s, 3_s}));
}

TEST(AlgorithmParse, Errors) {
  EXPECT_NE(error_of("algorithm:\n  sync: {kind: fake, count: 11}\n").find("t:2:29: error: at 'algorithm.sync.count': expected an integer between 1 and 10, got 11"), std::string::npos);
  EXPECT_NE(error_of("algorithm:\n  sync: {kind: fake, count: 2.5}\n").find("expected an integer"), std::string::npos);
  EXPECT_NE(error_of("algorithm:\n  sync: {kind: fake, ratio: 2}\n").find("between 0 and 1"), std::string::npos);
  EXPECT_NE(error_of("algorithm:\n  sync: {kind: fake, period: 1us}\n").find("at least 1ms"), std::string::npos);
  EXPECT_NE(error_of("algorithm:\n  sync: {kind: fake, flag: 1}\n").find("expected true or false"), std::string::npos);
  EXPECT_NE(error_of("algorithm:\n  sync: {kind: fake, mode: fsat}\n").find("did you mean 'fast'"), std::string::npos);
  EXPECT_NE(error_of("algorithm:\n  sync: {kind: fake, timeout: 'normal(1s, 1s)'}\n").find("expected a duration or uniform(min, max)"), std::string::npos);
  EXPECT_NE(error_of("algorithm:\n  sync: {kind: fake, timeout: 'uniform(-1s, 1s)'}\n").find("expected durations between 0s and"), std::string::npos);
  EXPECT_NE(error_of("algorithm:\n  sync: vote\n").find("unknown sync algorithm 'vote' ('vote' is an election algorithm); available: none, fake"), std::string::npos);
  EXPECT_NE(error_of("algorithm:\n  sync: {period: 1s}\n").find("missing required key 'kind'"), std::string::npos);
  EXPECT_NE(error_of("algorithm:\n  sync: [fake]\n").find("expected a sync algorithm"), std::string::npos);
  EXPECT_NE(error_of("algorithm:\n  sync: {kind: none, period: 1s}\n").find("it takes no parameters"), std::string::npos);
  EXPECT_NE(error_of("algorithm:\n  synk: fake\n").find("unknown key 'synk' (did you mean 'sync'?)"), std::string::npos);
}

TEST(AlgorithmParse, RealCatalogueDefaultsMatchTheDeclaredOnes) {
  for (const auto& info : algorithms::catalogue()) {
    if (info.layer != Layer::kSync) continue;
    const yaml::Node root = yaml::parse_document("sync: " + info.kind + "\n", "t");
    const auto choice = parse_layer(*root.find("sync"), "sync", Layer::kSync, algorithms::catalogue());
    EXPECT_EQ(choice.params.values().size(), info.params.size()) << info.kind;
    for (const auto& p : info.params) EXPECT_EQ(choice.params.values().at(p.name), p.default_value) << p.name;
  }
}

}  // namespace
}  // namespace clocksim::scenario
