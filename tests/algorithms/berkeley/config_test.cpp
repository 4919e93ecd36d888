// Berkeley's defaults are timed 4.3's (shared/docs/berkeley-and-tsp.md §2), both in the typed
// configuration and in the parameter list scenarios and clocksyncd's config are checked against.
#include "algorithms/berkeley/config.hpp"

#include <gtest/gtest.h>

namespace clocksim::berkeley {
namespace {

using namespace clocksim::literals;

void expect_timed_43(const BerkeleyConfig& c) {
  EXPECT_EQ(c.period, 240_s);           // SAMPLEINTVL
  EXPECT_EQ(c.step_threshold, 20_s);    // MAXADJ
  EXPECT_EQ(c.tolerance, 20_ms);        // RANGE
  EXPECT_EQ(c.quantum, 5_ms);           // corrections in 5 ms steps
  EXPECT_EQ(c.resolution, 1_ms);        // integer milliseconds
  EXPECT_EQ(c.probes, 10);              // TRIALS
  EXPECT_EQ(c.good_replies, 5);         // MSGS
  EXPECT_EQ(c.probe_timeout, 100_ms);
  EXPECT_EQ(c.average, AverageRule::kFaultTolerant);
  EXPECT_EQ(c.measurement, MeasurementMethod::kTimed);
}

TEST(BerkeleyConfig, DefaultsAreTimed43) { expect_timed_43(BerkeleyConfig{}); }

TEST(BerkeleyConfig, ParameterDefaultsAreTimed43) {
  expect_timed_43(berkeley_config(ParamSet::defaults(berkeley_params())));
}

}  // namespace
}  // namespace clocksim::berkeley
