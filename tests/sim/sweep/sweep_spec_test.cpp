#include "sim/sweep/sweep_spec.hpp"

#include <gtest/gtest.h>

#include "sim/scenario/loader.hpp"
#include "sim/sweep/sweep_plan.hpp"

#include <filesystem>
#include <fstream>

namespace clocksim::sweep {
namespace {

namespace fs = std::filesystem;

class SweepSpecTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("clocksim_sweep_spec_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
                                        "_" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    std::ofstream(dir_ / "base.yaml") << "name: base\n";
  }
  void TearDown() override { fs::remove_all(dir_); }

  SweepSpec parse(const std::string& text) { return parse_sweep_text(text, "s.yaml", dir_.string()); }

  // Returns the error text, or "" when the text parses.
  std::string error(const std::string& text) {
    try {
      parse(text);
    } catch (const SweepError& e) {
      return e.what();
    }
    return "";
  }

  fs::path dir_;
};

TEST_F(SweepSpecTest, ReadsMatrixInFileOrderSeedsAndFixedOverrides) {
  const SweepSpec spec = parse(
      "base: base.yaml\n"
      "set: {duration: 2m, links.loss: 0.01}\n"
      "matrix:\n"
      "  algorithm.sync.period: [5s, 10s, 30s]\n"
      "  clocks.drift_ppm: ['uniform(-10, 10)', 100]\n"
      "  output.trace_nodes: [[n0, n1]]\n"
      "seeds: [3, 1, 2]\n");
  EXPECT_EQ(spec.name, "s");
  EXPECT_EQ(spec.base_scenario, (dir_ / "base.yaml").lexically_normal().string());
  EXPECT_EQ(spec.fixed_overrides, (std::vector<std::string>{"duration=2m", "links.loss=0.01"}));
  ASSERT_EQ(spec.matrix.size(), 3u);
  EXPECT_EQ(spec.matrix[0].path, "algorithm.sync.period");
  EXPECT_EQ(spec.matrix[0].values, (std::vector<std::string>{"5s", "10s", "30s"}));
  EXPECT_EQ(spec.matrix[1].values, (std::vector<std::string>{"uniform(-10, 10)", "100"}));
  EXPECT_EQ(spec.matrix[2].values, (std::vector<std::string>{"[n0, n1]"}));
  EXPECT_EQ(spec.seeds, (std::vector<std::uint64_t>{3, 1, 2}));
}

TEST_F(SweepSpecTest, SeedRangesAndDefault) {
  EXPECT_EQ(parse("base: base.yaml\nmatrix: {a: [1]}\nseeds: 4..7\n").seeds,
            (std::vector<std::uint64_t>{4, 5, 6, 7}));
  EXPECT_EQ(parse("base: base.yaml\nmatrix: {a: [1]}\nseeds: {from: 1, to: 3}\n").seeds,
            (std::vector<std::uint64_t>{1, 2, 3}));
  EXPECT_EQ(parse("base: base.yaml\nmatrix: {a: [1]}\nseeds: 9\n").seeds, (std::vector<std::uint64_t>{9}));
  EXPECT_TRUE(parse("base: base.yaml\nmatrix: {a: [1]}\n").seeds.empty());
}

TEST_F(SweepSpecTest, ErrorsNameFileLineColumnAndKey) {
  EXPECT_EQ(error("base: base.yaml\nmatrix:\n  links.loss: 0.1\n"),
            "s.yaml:3:15: error: at 'matrix.links.loss': expected a non-empty list of values, e.g. [5s, 10s, 30s]");
  EXPECT_EQ(error("base: nope.yaml\nmatrix: {a: [1]}\n"),
            "s.yaml:1:7: error: at 'base': no such scenario file: " + (dir_ / "nope.yaml").string());
  fs::create_directories(dir_ / "folder.yaml");
  EXPECT_EQ(error("base: folder.yaml\nmatrix: {a: [1]}\n"),
            "s.yaml:1:7: error: at 'base': not a regular file: " + (dir_ / "folder.yaml").string());
  EXPECT_EQ(error("base: base.yaml\nmatrix: {a: [1]}\nseeds: 5..2\n"),
            "s.yaml:3:8: error: at 'seeds': empty range: the end is below the start");
  EXPECT_EQ(error("base: base.yaml\nmatrix: {a: [1]}\nseeds: [1, x]\n"),
            "s.yaml:3:12: error: at 'seeds': expected a non-negative integer seed, got 'x'");
  EXPECT_EQ(error("base: base.yaml\nmatrix: {a: [1, 1]}\n"),
            "s.yaml:2:17: error: at 'matrix.a': value '1' is listed twice");
  const std::string knob =
      "whether runs keep trace.csv is chosen by the sweep's `traces:` key (or --traces), not by output.trace; "
      "write `traces: true` to keep them";
  EXPECT_EQ(error("base: base.yaml\nset: {output.trace: true}\nmatrix: {a: [1]}\n"),
            "s.yaml:2:7: error: at 'set.output.trace': " + knob);
  EXPECT_EQ(error("base: base.yaml\nset:\n  output: {compress: gzip, trace: false}\nmatrix: {a: [1]}\n"),
            "s.yaml:3:3: error: at 'set.output': " + knob);
  EXPECT_EQ(error("base: base.yaml\nmatrix: {output.trace: [true, false]}\n"),
            "s.yaml:2:10: error: at 'matrix.output.trace': " + knob);
  EXPECT_EQ(error("base: base.yaml\nmatrix: {seed: [1, 2]}\n"),
            "s.yaml:2:10: error: at 'matrix.seed': sweep seeds with the top-level `seeds:` key");
  // Unknown keys as in every configuration file (config/reader.hpp): each one, with a suggestion.
  const std::string allowed = "; allowed keys here: name, description, base, set, matrix, seeds, traces";
  EXPECT_EQ(error("base: base.yaml\nmatrix: {a: [1]}\nmatrx: 1\n"),
            "s.yaml:3:1: error: at 'matrx': unknown key 'matrx' (did you mean 'matrix'?)" + allowed);
  EXPECT_EQ(error("bse: base.yaml\nmatrix: {a: [1]}\ntrace: true\n"),
            "s.yaml:1:1: error: at 'bse': unknown key 'bse' (did you mean 'base'?)" + allowed +
                "\ns.yaml:3:1: error: at 'trace': unknown key 'trace' (did you mean 'traces'?)" + allowed);
  EXPECT_EQ(error("base: base.yaml\nmatrix: {a: [1]}\nseeds: {from: 1, too: 3, step: 1}\n"),
            "s.yaml:3:18: error: at 'seeds.too': unknown key 'too' (did you mean 'to'?); allowed keys here: from, to"
            "\ns.yaml:3:26: error: at 'seeds.step': unknown key 'step'; allowed keys here: from, to");
  EXPECT_EQ(error("base: base.yaml\nbase: base.yaml\nmatrix: {a: [1]}\n"),
            "s.yaml:2:1: error: at 'base': duplicate key 'base' (first written at line 1, column 1)");
  EXPECT_EQ(error("base: base.yaml\n"), "s.yaml:1:1: error: at 'matrix': missing key: parameter path -> list of values");
  EXPECT_NE(error("base: [unclosed\n").find("s.yaml:2:1: error: YAML syntax error"), std::string::npos)
      << error("base: [unclosed\n");
  // The rules of every configuration file: one document, UTF-8.
  EXPECT_EQ(error("base: base.yaml\nmatrix: {a: [1]}\n---\nmatrix: {b: [2]}\n"),
            "s.yaml:3:1: error: a file holds exactly one YAML document; found a second one");
  EXPECT_NE(error("base: base.yaml\nname: caf\xE9\nmatrix: {a: [1]}\n").find("s.yaml:2:10: error: byte 0xE9 is not UTF-8"),
            std::string::npos);
}

TEST_F(SweepSpecTest, ANameWithAControlCharacterIsRefusedAtItsPlace) {
  EXPECT_EQ(error("base: base.yaml\nname: \"a\\x1b[2Jb\"\nmatrix: {duration: [1m]}\n"),
            "s.yaml:2:7: error: at 'name': a sweep name may not hold a control character, found U+001B (character 2)");
  EXPECT_EQ(error("base: base.yaml\nname: \"Berkeley / TSP \u00e9\"\nmatrix: {duration: [1m]}\n"), "");
}

TEST_F(SweepSpecTest, ADescriptionWithAControlCharacterIsRefusedAtItsPlace) {
  EXPECT_EQ(error("base: base.yaml\ndescription: \"two\\nlines\\tand \\u202Eevil\"\nmatrix: {duration: [1m]}\n"),
            "s.yaml:2:14: error: at 'description': a description may not hold a control character other than a line "
            "break or a tab, found U+202E (character 15)");
  EXPECT_EQ(error("base: base.yaml\ndescription: |\n  Two lines,\n  and a\ttab.\nmatrix: {duration: [1m]}\n"), "");
  EXPECT_NE(error("base: base.yaml\ndescription: [a]\nmatrix: {duration: [1m]}\n").find("at 'description'"),
            std::string::npos);
}

TEST_F(SweepSpecTest, RefusesHugeSweeps) {
  EXPECT_NE(error("base: base.yaml\nmatrix: {a: [1, 2]}\nseeds: 1..600000\n").find("more than 1000000 runs"),
            std::string::npos);
  EXPECT_NE(error("base: base.yaml\nmatrix: {a: [1]}\nseeds: 0..1000000000\n").find("more than 1000000 seeds"),
            std::string::npos);
}

TEST_F(SweepSpecTest, LoadsFromFileWithBaseRelativeToIt) {
  fs::create_directories(dir_ / "sweeps");
  std::ofstream(dir_ / "sweeps" / "p.yaml") << "base: ../base.yaml\nmatrix: {duration: [1s]}\n";
  const SweepSpec spec = load_sweep_file((dir_ / "sweeps" / "p.yaml").string());
  EXPECT_EQ(spec.base_scenario, (dir_ / "base.yaml").lexically_normal().string());
  EXPECT_EQ(spec.name, "p");
  try {
    load_sweep_file((dir_ / "missing.yaml").string());
    FAIL() << "expected an error";
  } catch (const SweepError& e) {
    EXPECT_EQ(std::string(e.what()), (dir_ / "missing.yaml").string() + ": error: cannot open the sweep file");
  }
}

// A value the base scenario refuses is reported where the sweep file writes it; an error of the
// base file itself stays located in the base file.
TEST_F(SweepSpecTest, ARefusedValueIsReportedAtItsPlaceInTheSweepFile) {
  std::ofstream(dir_ / "base.yaml") << "name: base\nduration: 1m\nnodes: 4\nfaults:\n  - {at: 30s, crash: n1}\n";
  const SweepSpec spec = parse(
      "base: base.yaml\n"
      "set:\n"
      "  links.loss: 0.1\n"
      "matrix:\n"
      "  nodes: [3, '3,4']\n"
      "  duration: [1m, 10s]\n");
  auto refusal = [&](const std::string& folder) {
    for (const PlannedRun& run : plan_sweep(spec)) {
      if (run.folder != folder) continue;
      scenario::LoadOptions options;
      options.set_overrides = run.overrides;
      try {
        (void)scenario::load_scenario_file(spec.base_scenario, options);
      } catch (const scenario::ScenarioError& e) {
        return describe_run_error(spec, run, e);
      }
      return std::string("(loaded)");
    }
    return std::string("(no such run)");
  };
  EXPECT_EQ(refusal("nodes=3,duration=1m"), "(loaded)");
  EXPECT_EQ(refusal("nodes=3_4,duration=1m"),
            "s.yaml:5:14: error: at 'matrix.nodes': value '3,4' (run nodes=3_4,duration=1m): expected an integer, got '3,4'");
  // The fault at 30 s is the base file's; the matrix only made the run too short for it.
  const std::string short_run = refusal("nodes=3,duration=10s");
  EXPECT_EQ(short_run.rfind("s.yaml: run nodes=3,duration=10s: " + spec.base_scenario + ":5:", 0), 0u) << short_run;
  SweepSpec lossy = spec;
  lossy.fixed_overrides = {"links.loss=3"};
  const PlannedRun run = plan_sweep(lossy).front();
  scenario::LoadOptions options;
  options.set_overrides = run.overrides;
  try {
    (void)scenario::load_scenario_file(lossy.base_scenario, options);
    ADD_FAILURE() << "a loss of 3 loaded";
  } catch (const scenario::ScenarioError& e) {
    EXPECT_EQ(describe_run_error(lossy, run, e),
              "s.yaml:3:15: error: at 'set.links.loss': value '3' (run " + run.folder +
                  "): expected a number between 0 and 1, got 3");
  }
}

}  // namespace
}  // namespace clocksim::sweep
