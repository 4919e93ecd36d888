#include "config/clock_limits.hpp"

#include <gtest/gtest.h>

#include <string>

#include "config/error.hpp"
#include "config/yaml_tree.hpp"

namespace clocksim::config {
namespace {

ClockGuardConfig read(const std::string& text, std::string* errors = nullptr) {
  const Node doc = yaml::parse_document(text, "l.yaml");
  ClockGuardConfig limits;
  FileErrors collected;
  collected.read([&] { read_clock_limits(*doc.find("limits"), "limits", limits, collected); });
  try {
    collected.throw_if_any();
  } catch (const ConfigError& e) {
    if (errors == nullptr) throw;
    *errors = e.what();
  }
  return limits;
}

TEST(ClockLimits, EveryKeyIsReadAndTheRestKeepClocksyncdsDefaults) {
  const ClockGuardConfig defaults;
  const ClockGuardConfig some = read("limits: {panic_threshold: 10s, min_step: 5ms}\n");
  EXPECT_EQ(some.panic_threshold, Duration::from_ns(10'000'000'000));
  EXPECT_EQ(some.min_step, Duration::from_ns(5'000'000));
  EXPECT_EQ(some.panic_window, defaults.panic_window);
  EXPECT_EQ(some.master_max_adjust, defaults.master_max_adjust);
  EXPECT_EQ(some.startup_quorum, defaults.startup_quorum);

  const ClockGuardConfig all = read(
      "limits: {panic_threshold: 0s, panic_window: 10m, master_max_adjust: 0s, min_step: 1ms, max_rate_ppm: 100,\n"
      "         startup_updates: 7, startup_quorum: 0, startup_tolerance: 250ms}\n");
  EXPECT_EQ(all.panic_threshold, Duration::zero());
  EXPECT_EQ(all.panic_window, Duration::from_ns(600'000'000'000));
  EXPECT_EQ(all.master_max_adjust, Duration::zero());
  EXPECT_EQ(all.min_step, Duration::from_ns(1'000'000));
  EXPECT_DOUBLE_EQ(all.max_rate_ppm, 100);
  EXPECT_EQ(all.startup_updates, 7);
  EXPECT_EQ(all.startup_quorum, 0);
  EXPECT_EQ(all.startup_tolerance, Duration::from_ns(250'000'000));
}

// Every mistake of the section at once, each at its place under its key.
TEST(ClockLimits, EveryMistakeIsNamedAtItsPlace) {
  std::string errors;
  read("limits:\n  panic_treshold: 10s\n  panic_window: -1s\n  max_rate_ppm: 0\n  startup_tolerance: 0s\n", &errors);
  EXPECT_NE(errors.find("l.yaml:2:3: error: at 'limits.panic_treshold': unknown key 'panic_treshold' (did you mean "
                        "'panic_threshold'?)"),
            std::string::npos)
      << errors;
  EXPECT_NE(errors.find("l.yaml:3:17: error: at 'limits.panic_window'"), std::string::npos) << errors;
  EXPECT_NE(errors.find("l.yaml:4:17: error: at 'limits.max_rate_ppm': expected a number in (0, 10000]"), std::string::npos)
      << errors;
  EXPECT_NE(errors.find("l.yaml:5:22: error: at 'limits.startup_tolerance': expected a duration > 0"), std::string::npos)
      << errors;
}

TEST(ClockLimits, ASectionThatIsNoMappingIsRefused) {
  std::string errors;
  read("limits: 10s\n", &errors);
  EXPECT_NE(errors.find("l.yaml:1:9: error: at 'limits'"), std::string::npos) << errors;
}

}  // namespace
}  // namespace clocksim::config
