// docs/extending.md's example algorithm, unchanged, in five clocksyncd processes on 127.0.0.1:
// `--sync neighbour_average` is all the daemon needs (it finds the kind in the registry, and
// its config reader takes the registered parameters). The clocks start 40 ms apart and drift
// over ±200 ppm; averaging with every peer (the daemon knows no topology, so every peer is a
// neighbour) must pull them together within a few rounds and keep them there.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <thread>

#include "algorithms/registry.hpp"
#include "tests/daemon/integration/cluster_harness.hpp"

namespace clocksim::daemon::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

// Max - min of the live nodes' offsets from true time (their virtual clocks), in ns; nullopt
// when a node does not answer.
std::optional<double> skew_ns(const ClusterHarness& c) {
  double lo = 1e300, hi = -1e300;
  for (std::size_t i = 0; i < c.size(); ++i) {
    const auto j = c.status(i);
    if (!j) return std::nullopt;
    const double off = (*j)["clock"]["offset_ns"].get<double>();
    lo = std::min(lo, off);
    hi = std::max(hi, off);
  }
  return hi - lo;
}

std::uint64_t fewest_rounds(const ClusterHarness& c) {
  std::uint64_t fewest = ~std::uint64_t{0};
  for (std::size_t i = 0; i < c.size(); ++i) {
    const auto j = c.status(i);
    fewest = std::min<std::uint64_t>(fewest, j ? (*j)["rounds"].get<std::uint64_t>() : 0);
  }
  return fewest;
}

std::string logs(const ClusterHarness& c) {
  std::string out;
  for (std::size_t i = 0; i < c.size(); ++i) out += "--- n" + std::to_string(c.id(i)) + "\n" + c.log_tail(i, 1500);
  return out;
}

TEST(DaemonNeighbourAverage, TheExampleAlgorithmRunsUnchangedAndPullsTheClocksTogether) {
  ASSERT_NE(algorithms::find_algorithm("neighbour_average", algorithms::Layer::kSync), nullptr);
  ClusterHarness c("neighbour_average",
                   {{1, -200, 12, {}}, {2, 200, -20, {}}, {3, -100, 0, {}}, {4, 100, 20, {}}, {5, 50, -8, {}}},
                   {"--sync", "neighbour_average", "--set", "sync.period=1s", "--set", "read_window=100ms",
                    "--election", "none"});
  c.start_all();
  ASSERT_TRUE(wait_until([&] { return skew_ns(c).has_value(); }, seconds(10))) << logs(c);
  const double start_ns = *skew_ns(c);
  ASSERT_TRUE(wait_until([&] { return fewest_rounds(c) >= 5; }, seconds(20))) << logs(c);
  double worst_ns = 0;
  for (int k = 0; k < 10; ++k) {
    const auto s = skew_ns(c);
    ASSERT_TRUE(s) << logs(c);
    worst_ns = std::max(worst_ns, *s);
    std::this_thread::sleep_for(milliseconds(150));
  }
  std::printf("neighbour_average in clocksyncd: skew %.3f ms at start, at most %.3f ms after 5 rounds\n",
              start_ns * 1e-6, worst_ns * 1e-6);
  RecordProperty("start_skew_ms", std::to_string(start_ns * 1e-6));
  RecordProperty("skew_ms", std::to_string(worst_ns * 1e-6));
  // No bound exists for this algorithm (its registration says why); the check is that it does
  // what it is for: the configured 40 ms of initial spread, which drift alone only widens, shrinks
  // below 5 ms (drift adds 0.4 ms per round, loopback asymmetry a few hundred µs more).
  EXPECT_LE(worst_ns, 5e6) << logs(c);
  for (std::size_t i = 0; i < c.size(); ++i) EXPECT_EQ(c.stop_gracefully(i, milliseconds(3000)), 0) << c.log_tail(i);
}

}  // namespace
}  // namespace clocksim::daemon::testing
