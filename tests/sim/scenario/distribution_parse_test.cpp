#include "sim/scenario/distribution_parse.hpp"

#include <gtest/gtest.h>

#include "sim/scenario/error.hpp"

namespace clocksim::scenario {
namespace {

using DK = Distribution::Kind;

Distribution parse(const std::string& text, Quantity q) {
  yaml::Node n;
  n.kind = yaml::Node::Kind::kScalar;
  n.text = text;
  n.pos = yaml::Pos{std::make_shared<const std::string>("t"), 1, 1};
  return parse_distribution(n, "x", q);
}

std::string error_of(const std::string& text, Quantity q) {
  try {
    parse(text, q);
  } catch (const ScenarioError& e) {
    return e.message();
  }
  return "no error";
}

TEST(DistributionParse, EveryKindWithPositionalAndNamedArguments) {
  EXPECT_EQ(parse("constant(2ms)", Quantity::kDuration).kind, DK::kConstant);
  EXPECT_DOUBLE_EQ(parse("constant(value=2ms)", Quantity::kDuration).a, 2e6);
  const auto u = parse("uniform(max=5ms, min=1ms)", Quantity::kLatency);
  EXPECT_EQ(u.kind, DK::kUniform);
  EXPECT_DOUBLE_EQ(u.a, 1e6);
  EXPECT_DOUBLE_EQ(u.b, 5e6);
  EXPECT_EQ(parse("normal(0, 20)", Quantity::kPpm).kind, DK::kNormal);
  EXPECT_EQ(parse("lognormal(median=1ms, sigma=0.3)", Quantity::kLatency).kind, DK::kLognormal);
  EXPECT_EQ(parse("exponential(1ms)", Quantity::kLatency).kind, DK::kExponential);
  EXPECT_EQ(parse("pareto(1ms, 2.5)", Quantity::kLatency).kind, DK::kPareto);
  EXPECT_EQ(parse("adversarial(1ms, 3ms)", Quantity::kLatency).kind, DK::kAdversarial);
  const auto s = parse(" 1ms  +  exponential( 1ms ) ", Quantity::kLatency);
  EXPECT_DOUBLE_EQ(s.shift, 1e6);
  EXPECT_DOUBLE_EQ(s.a, 1e6);
  EXPECT_DOUBLE_EQ(parse("1e+1 + normal(0, 1)", Quantity::kPpm).shift, 10);
  EXPECT_DOUBLE_EQ(parse("-1.5", Quantity::kPpm).a, -1.5);
  EXPECT_DOUBLE_EQ(parse("-10ms", Quantity::kDuration).a, -1e7);
}

TEST(DistributionParse, Errors) {
  EXPECT_NE(error_of("uniform(1ms)", Quantity::kLatency).find("missing argument 'max'"), std::string::npos);
  EXPECT_NE(error_of("uniform(1ms, 2ms, 3ms)", Quantity::kLatency).find("too many arguments"), std::string::npos);
  EXPECT_NE(error_of("uniform(lo=1ms, 2ms)", Quantity::kLatency).find("unknown argument 'lo'"), std::string::npos);
  EXPECT_NE(error_of("uniform(min=1ms, 2ms)", Quantity::kLatency).find("positional argument after a named one"), std::string::npos);
  EXPECT_NE(error_of("uniform(min=1ms, min=2ms)", Quantity::kLatency).find("given twice"), std::string::npos);
  EXPECT_NE(error_of("uniform", Quantity::kLatency).find("needs arguments: uniform(min, max)"), std::string::npos);
  EXPECT_NE(error_of("unifrom(1ms, 2ms)", Quantity::kLatency).find("did you mean 'uniform'"), std::string::npos);
  EXPECT_NE(error_of("normal(0, -1)", Quantity::kPpm).find("sd >= 0"), std::string::npos);
  EXPECT_NE(error_of("lognormal(0ms, 1)", Quantity::kLatency).find("median > 0"), std::string::npos);
  EXPECT_NE(error_of("exponential(0ms)", Quantity::kLatency).find("mean > 0"), std::string::npos);
  EXPECT_NE(error_of("pareto(1ms, 0)", Quantity::kLatency).find("shape > 0"), std::string::npos);
  EXPECT_NE(error_of("lognormal(1ms, 1ms)", Quantity::kLatency).find("plain number"), std::string::npos);
  EXPECT_NE(error_of("uniform(1, 2)", Quantity::kLatency).find("has no unit"), std::string::npos);
  EXPECT_NE(error_of("-1ms", Quantity::kLatency).find("must not be negative"), std::string::npos);
  EXPECT_NE(error_of("-2ms + exponential(1ms)", Quantity::kLatency).find("must not be negative"), std::string::npos);
  EXPECT_NE(error_of("5", Quantity::kLatency).find("'5' has no unit"), std::string::npos);
  EXPECT_NE(error_of("uniform(1ms, (2ms))", Quantity::kLatency).find("unexpected parenthesis"), std::string::npos);
  EXPECT_NE(error_of("uniform(1ms,)", Quantity::kLatency).find("empty argument"), std::string::npos);
  EXPECT_EQ(error_of("normal(-5ms, 1ms)", Quantity::kLatency), "no error");  // truncated at zero by the network
}

}  // namespace
}  // namespace clocksim::scenario
