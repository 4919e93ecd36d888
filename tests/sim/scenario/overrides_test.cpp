#include "sim/scenario/overrides.hpp"

#include <gtest/gtest.h>

#include "sim/scenario/error.hpp"

namespace clocksim::scenario {
namespace {

TEST(Overrides, SetsExistingAndCreatesAbsentKeys) {
  yaml::Node root = yaml::parse_document("a: {b: 1}\nl: [x, {k: 2}]\n", "f");
  apply_set_override(root, "a.b=5");
  apply_set_override(root, "a.c.d=new");
  apply_set_override(root, "l.1.k=3");
  apply_set_override(root, "l.0=[p, q]");
  apply_set_override(root, "e=");
  EXPECT_EQ(root.find("a")->find("b")->text, "5");
  EXPECT_EQ(root.find("a")->find("c")->find("d")->text, "new");
  EXPECT_EQ(root.find("l")->items[1].find("k")->text, "3");
  EXPECT_TRUE(root.find("l")->items[0].is_sequence());
  EXPECT_TRUE(root.find("e")->is_null());
  // Overridden values are located on the command line, not in the file.
  EXPECT_EQ(root.find("a")->find("b")->pos.line, 0);
  EXPECT_EQ(*root.find("a")->find("b")->pos.source, "--set a.b=5");
}

TEST(Overrides, ValueWithEqualsSignAndSpaces) {
  yaml::Node root = yaml::parse_document("x: 1\n", "f");
  apply_set_override(root, "t=erdos_renyi(p=0.3)");
  EXPECT_EQ(root.find("t")->text, "erdos_renyi(p=0.3)");
  apply_set_override(root, "u=uniform(1ms, 5ms)");
  EXPECT_EQ(root.find("u")->text, "uniform(1ms, 5ms)");
}

// `--set algorithm.sync=cristian` on {kind: berkeley, period: 10s} would silently reset the period:
// refused, with both ways to say what was meant; they work.
TEST(Overrides, ScalarOverAMappingIsRefusedWithTheWaysToSayIt) {
  yaml::Node root = yaml::parse_document("algorithm: {sync: {kind: berkeley, period: 30s}}\nnodes: {count: 8, overrides: []}\n", "f");
  try {
    apply_set_override(root, "algorithm.sync=cristian");
    ADD_FAILURE() << "a bare kind over a layer mapping must be refused";
  } catch (const ScenarioError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("is a mapping (kind, period)"), std::string::npos) << what;
    EXPECT_NE(what.find("--set algorithm.sync.kind=cristian"), std::string::npos) << what;
    EXPECT_NE(what.find("--set 'algorithm.sync={kind: cristian}'"), std::string::npos) << what;
  }
  apply_set_override(root, "algorithm.sync.kind=cristian");
  const yaml::Node& sync = *root.find("algorithm")->find("sync");
  EXPECT_EQ(sync.find("kind")->text, "cristian");
  EXPECT_EQ(sync.find("period")->text, "30s");
  try {
    apply_set_override(root, "nodes=16");
    ADD_FAILURE() << "a scalar over {count, overrides} must be refused";
  } catch (const ScenarioError& e) {
    EXPECT_NE(std::string(e.what()).find("--set nodes.count="), std::string::npos) << e.what();
  }
  apply_set_override(root, "nodes={count: 16}");  // a whole mapping replaces it, as asked
  EXPECT_EQ(root.find("nodes")->find("count")->text, "16");
  EXPECT_EQ(root.find("nodes")->find("overrides"), nullptr);
}

TEST(Overrides, Errors) {
  yaml::Node root = yaml::parse_document("l: [1]\ns: 3\n", "f");
  EXPECT_THROW(apply_set_override(root, "=5"), ScenarioError);
  EXPECT_THROW(apply_set_override(root, "a..b=5"), ScenarioError);
  EXPECT_THROW(apply_set_override(root, "l.x=5"), ScenarioError);
  EXPECT_THROW(apply_set_override(root, "l.1=5"), ScenarioError);
  EXPECT_THROW(apply_set_override(root, "s.t=5"), ScenarioError);
  EXPECT_THROW(apply_set_override(root, "v=[1, 2"), ScenarioError);
  try {
    apply_set_override(root, "l.-1=5");
    FAIL();
  } catch (const ScenarioError& e) {
    EXPECT_EQ(e.line(), 0);
    EXPECT_EQ(std::string(e.what()).rfind("--set l.-1=5: error: at 'l.-1': ", 0), 0u) << e.what();
  }
}

}  // namespace
}  // namespace clocksim::scenario
