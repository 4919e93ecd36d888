// One trace hash per algorithm: a shipped scenario of each sync algorithm and each election is run
// in memory and the FNV-1a hash of its trace.csv (logical.csv for the logical clocks) is compared
// with a pinned value. Every random stream, every algorithm decision and every clock effect shows
// in those bytes, so any change of them between commits fails here, naming the scenario and the
// new hash. If the change is intended (a new default, a fixed defect), update the pinned value and
// say in the commit which outputs changed and why.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <sstream>
#include <string>

#include "sim/output/output_folder.hpp"
#include "sim/run/run_scenario.hpp"
#include "sim/scenario/loader.hpp"

namespace clocksim::sim {
namespace {

std::uint64_t fnv1a64(const std::string& bytes) {
  std::uint64_t h = 0xCBF29CE484222325ULL;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 0x100000001B3ULL;
  }
  return h;
}

std::string hex(std::uint64_t v) {
  char buf[19];
  std::snprintf(buf, sizeof buf, "0x%016llX", static_cast<unsigned long long>(v));
  return buf;
}

struct Pinned {
  const char* algorithm;
  const char* scenario;  // under scenarios/
  const char* file;      // the output whose bytes are hashed
  std::uint64_t hash;
};

std::ostream& operator<<(std::ostream& os, const Pinned& p) { return os << p.algorithm; }

class TraceKnownAnswer : public ::testing::TestWithParam<Pinned> {};

TEST_P(TraceKnownAnswer, TraceHashIsPinned) {
  const Pinned& p = GetParam();
  scenario::LoadOptions options;
  options.set_overrides.push_back("seed=1");
  const auto spec = scenario::load_scenario_file(std::string(CLOCKSIM_SOURCE_DIR) + "/scenarios/" + p.scenario, options);
  MemoryFolder folder;
  RunOptions run;
  run.quiet = true;
  run.folder = &folder;
  std::ostringstream report;
  run_scenario(spec, run, report);
  const auto it = folder.files().find(p.file);
  ASSERT_NE(it, folder.files().end()) << p.scenario << " wrote no " << p.file;
  ASSERT_FALSE(it->second.empty());
  EXPECT_EQ(hex(fnv1a64(it->second)), hex(p.hash))
      << p.scenario << ": " << p.file << " changed (" << it->second.size() << " bytes); pin the new hash only if the change is intended";
}

INSTANTIATE_TEST_SUITE_P(
    EveryAlgorithm, TraceKnownAnswer,
    ::testing::Values(Pinned{"berkeley", "berkeley-basic.yaml", "trace.csv", 0x0D012B6D57DBFDB8ULL},
                      Pinned{"cristian", "cristian-basic.yaml", "trace.csv", 0xF4FFFB7946606623ULL},
                      Pinned{"ntp", "ntp-strata.yaml", "trace.csv", 0xFD199FE5C7DDE2BCULL},
                      Pinned{"welch_lynch", "welch-lynch-mesh.yaml", "trace.csv", 0x3D23D7AE7DE8FCECULL},
                      Pinned{"logical", "logical-clocks.yaml", "logical.csv", 0x13A94789FC75497BULL},
                      Pinned{"tsp", "failover.yaml", "trace.csv", 0x03E9D4A7C159FB20ULL},
                      Pinned{"bully", "bully-failover.yaml", "trace.csv", 0x04848025AE801CA0ULL},
                      Pinned{"ring", "ring-failover.yaml", "trace.csv", 0xB102B76C0375510DULL},
                      Pinned{"standby", "standby.yaml", "trace.csv", 0x65BF5595382A076FULL},
                      Pinned{"neighbour_average", "neighbour-average-ring.yaml", "trace.csv", 0xC0BBBE76B6B92792ULL}),
    [](const ::testing::TestParamInfo<Pinned>& info) { return std::string(info.param.algorithm); });

}  // namespace
}  // namespace clocksim::sim
