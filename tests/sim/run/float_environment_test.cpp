// A run's files do not depend on the floating-point environment of the program that runs it: a
// host may have changed the rounding mode, or loaded a library built with -ffast-math that turned
// on flush-to-zero for the whole process. Every shipped scenario is loaded and run under each
// other rounding mode and, on x86-64, with flush-to-zero and denormals-are-zero, and compared
// with its run in the default environment; the caller's environment is given back afterwards.
#include "sim/run/float_environment.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cfenv>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#if defined(__x86_64__)
#include <xmmintrin.h>
#endif

#include "sim/scenario/loader.hpp"
#include "tests/sim/run/run_in_memory.hpp"
#include "tests/sim/yaml_files.hpp"

namespace clocksim::sim {
namespace {

struct Environment {
  const char* name;
  std::function<void()> enter;
  std::function<bool()> still_there;  // the caller's setting survived the run
};

std::vector<Environment> other_environments() {
  std::vector<Environment> all;
  for (const auto& [name, mode] : {std::pair{"rounding upward", FE_UPWARD}, std::pair{"rounding downward", FE_DOWNWARD},
                                    std::pair{"rounding toward zero", FE_TOWARDZERO}}) {
    all.push_back({name, [mode = mode] { std::fesetround(mode); }, [mode = mode] { return std::fegetround() == mode; }});
  }
#if defined(__x86_64__)
  // Flush-to-zero (bit 15) and denormals-are-zero (bit 6), as crtfastmath.o sets them.
  constexpr unsigned kFtzDaz = 0x8040;
  all.push_back({"flush-to-zero and denormals-are-zero", [] { _mm_setcsr(_mm_getcsr() | kFtzDaz); },
                 [] { return (_mm_getcsr() & kFtzDaz) == kFtzDaz; }});
#endif
  return all;
}

TEST(FloatEnvironment, EveryShippedScenarioWritesTheSameBytesInAnyEnvironmentAndGivesItBack) {
  const auto files = clocksim::testing::yaml_files_in("scenarios");
  ASSERT_GE(files.size(), 30u);
  const auto environments = other_environments();
  for (const auto& path : files) {
    const std::string file = path.string();
    SCOPED_TRACE(file);
    const auto expected = testing::files_without_timing(scenario::load_scenario_file(file));
    for (const Environment& environment : environments) {
      SCOPED_TRACE(environment.name);
      std::fenv_t caller;
      std::fegetenv(&caller);
      environment.enter();
      const auto got = testing::files_without_timing(scenario::load_scenario_file(file));
      const bool kept = environment.still_there();
      std::fesetenv(&caller);
      EXPECT_TRUE(kept) << "the run did not give the caller's environment back";
      ASSERT_EQ(got.size(), expected.size());
      for (const auto& [name, text] : expected) EXPECT_TRUE(got.at(name) == text) << name << " differs";
    }
  }
}

// The guard itself: inside it the default environment, after it the caller's, nested or not.
TEST(FloatEnvironment, TheGuardSetsTheDefaultAndRestoresTheCallers) {
  std::fenv_t caller;
  std::fegetenv(&caller);
  std::fesetround(FE_DOWNWARD);
  {
    const DefaultFloatEnvironment outer;
    EXPECT_EQ(std::fegetround(), FE_TONEAREST);
    std::fesetround(FE_UPWARD);
    {
      const DefaultFloatEnvironment inner;
      EXPECT_EQ(std::fegetround(), FE_TONEAREST);
    }
    EXPECT_EQ(std::fegetround(), FE_UPWARD);
  }
  EXPECT_EQ(std::fegetround(), FE_DOWNWARD);
  std::fesetenv(&caller);
}

}  // namespace
}  // namespace clocksim::sim
