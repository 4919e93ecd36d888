#include "sim/sweep/run_folder_name.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace clocksim::sweep {
namespace {

TEST(RunFolderName, ShortNamesAreTheValuesSanitized) {
  EXPECT_EQ(run_folder_name({"period", "drift_ppm"}, {"5s", "uniform(-1, 1)"}, "3"),
            "period=5s,drift_ppm=uniform_-1__1_,seed=3");
  EXPECT_EQ(run_folder_name({"nodes"}, {""}, ""), "nodes=_");
}

// A name at the limit is kept whole; one byte over, the long value is cut and tagged.
TEST(RunFolderName, ANameOverTheLimitCutsItsLongValues) {
  const std::string prefix = "description=";
  const std::string fits(kMaxRunFolderBytes - prefix.size(), 'x');
  EXPECT_EQ(run_folder_name({"description"}, {fits}, ""), prefix + fits);
  const std::string over = fits + "y";
  const std::string named = run_folder_name({"description", "nodes"}, {over, "3"}, "1");
  EXPECT_EQ(named, prefix + std::string(kMaxShortenedValueBytes - 9, 'x') + "~" + stable_tag(over) + ",nodes=3,seed=1");
  // Two values with the same start stay apart, and the name is the same every time.
  EXPECT_NE(run_folder_name({"description", "nodes"}, {fits + "z", "3"}, "1"), named);
  EXPECT_EQ(run_folder_name({"description", "nodes"}, {over, "3"}, "1"), named);
}

// Many values, each short but together too long: the whole name is cut and tagged.
TEST(RunFolderName, ManyValuesTogetherAreCutToTheLimit) {
  std::vector<std::string> names, values;
  for (int i = 0; i < 20; ++i) {
    names.push_back("parameter" + std::to_string(i));
    values.push_back("value" + std::to_string(i));
  }
  const std::string named = run_folder_name(names, values, "7");
  EXPECT_EQ(named.size(), kMaxRunFolderBytes);
  EXPECT_EQ(named.rfind("parameter0=value0,parameter1=value1,", 0), 0u) << named;
  EXPECT_EQ(named[kMaxRunFolderBytes - 9], '~');
  values.back() = "value20";
  EXPECT_NE(run_folder_name(names, values, "7"), named);
}

}  // namespace
}  // namespace clocksim::sweep
