// Five clocksyncd processes on 127.0.0.1 with virtual clocks drifting ±200 ppm, over real UDP:
// offsets converge within the bound computed by algorithms/bounds, and every process stops with
// exit 0 on SIGTERM. Every process is stopped by the harness, even when an assertion fails.
// Elections, failover, hand-over and a member without keys run as deterministic simulations of
// the same node loop and configuration path: tests/daemon/sim/cluster_simtest.cpp.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>
#include <thread>

#include "algorithms/bounds/skew_bound.hpp"
#include "algorithms/registry.hpp"
#include "daemon/version/code_identity.hpp"
#include "tests/daemon/integration/cluster_harness.hpp"

namespace clocksim::daemon::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

bool registered(const std::string& kind, algorithms::Layer layer) { return algorithms::find_algorithm(kind, layer) != nullptr; }

// Drifts spread over ±200 ppm and initial offsets over 40 ms.
std::vector<NodeSpec> five_nodes() {
  return {{1, -200, 12, {}}, {2, 200, -20, {}}, {3, -100, 0, {}}, {4, 100, 20, {}}, {5, 50, -8, {}}};
}

constexpr double kPeriodS = 1.0;
// Loopback is not a bounded-latency network, so the bound needs an assumption: one-way delay
// (including scheduling on a loaded 2-core CI machine) at most 5 ms.
constexpr double kLatencyMaxS = 0.005;

std::vector<std::string> berkeley_args() {
  return {"--sync", "berkeley",   "--set", "sync.period=1s", "--set", "probe_timeout=50ms",
          "--set", "measure_cap=500ms", "--set", "quantum=0",      "--set", "resolution=0",
          "--set", "step_threshold=250us", "--set", "first_round_delay=0"};
}

double skew_bound_s() {
  bounds::BerkeleyBoundInput in;
  in.nodes = 5;
  in.rho_ppm = 200;
  in.period_s = kPeriodS;
  in.latency_min_s = 0;
  in.latency_max_s = kLatencyMaxS;
  in.probe_timeout_s = 0.05;
  in.measure_cap_s = 0.5;
  in.step_threshold_s = 0.00025;
  in.quantum_s = 0;
  in.resolution_s = 0;
  in.initial_spread_s = 0.040;
  const auto b = bounds::berkeley_skew_bound(in);
  EXPECT_TRUE(b.valid) << bounds::no_bound_word(b.no_bound.why);
  return b.steady;
}

struct Snapshot {
  std::map<std::uint32_t, nlohmann::json> by_id;
  std::set<std::uint32_t> masters;
  std::set<std::string> believed;  // every node's believed master ("null" when none)
  double skew_ns = 0;
};

Snapshot snapshot(const ClusterHarness& c) {
  Snapshot s;
  double lo = 1e300, hi = -1e300;
  for (std::size_t i = 0; i < c.size(); ++i) {
    if (!c.alive(i)) continue;
    auto j = c.status(i);
    if (!j) {
      s.believed.insert("no answer");
      continue;
    }
    s.by_id[c.id(i)] = *j;
    if ((*j)["role"] == "master") s.masters.insert(c.id(i));
    s.believed.insert((*j)["believed_master"].dump());
    const double off = (*j)["clock"]["offset_ns"].get<double>();
    lo = std::min(lo, off);
    hi = std::max(hi, off);
  }
  s.skew_ns = hi - lo;
  return s;
}

// Exactly one master, every live node follows it; returns its id.
std::optional<std::uint32_t> agreed_master(const ClusterHarness& c) {
  const Snapshot s = snapshot(c);
  if (s.masters.size() != 1 || s.believed.size() != 1) return std::nullopt;
  const std::uint32_t m = *s.masters.begin();
  if (*s.believed.begin() != std::to_string(m)) return std::nullopt;
  return m;
}

std::uint64_t rounds_of(const ClusterHarness& c, std::uint32_t id) {
  auto j = c.status(c.index_of(id));
  return j ? (*j)["rounds"].get<std::uint64_t>() : 0;
}

// Samples the skew of the live nodes a few times; returns the largest seen.
double max_skew_over(const ClusterHarness& c, int samples, milliseconds spacing) {
  double worst = 0;
  for (int k = 0; k < samples; ++k) {
    worst = std::max(worst, snapshot(c).skew_ns);
    std::this_thread::sleep_for(spacing);
  }
  return worst;
}

std::string logs(const ClusterHarness& c) {
  std::string out;
  for (std::size_t i = 0; i < c.size(); ++i) out += "--- n" + std::to_string(c.id(i)) + "\n" + c.log_tail(i, 1500);
  return out;
}

// Over 127.0.0.1 and over [::1]: the same cluster, the same bound.
class DaemonCluster : public ::testing::TestWithParam<const char*> {};

INSTANTIATE_TEST_SUITE_P(Loopback, DaemonCluster, ::testing::Values("127.0.0.1", "[::1]"),
                         [](const auto& info) { return std::string(info.param[0] == '[' ? "Ipv6" : "Ipv4"); });

TEST_P(DaemonCluster, StaticMasterBerkeleyConvergesWithinTheBound) {
  ASSERT_TRUE(registered("berkeley", algorithms::Layer::kSync)) << "sync kind 'berkeley' missing from algorithms/registry.cpp";
  auto args = berkeley_args();
  args.insert(args.end(), {"--election", "none"});
  const std::string host = GetParam();
  ClusterHarness c(std::string("static_berkeley") + (host[0] == '[' ? "_ipv6" : ""), five_nodes(), args, host);
  c.start_all();
  ASSERT_TRUE(wait_until([&] { return agreed_master(c).has_value(); }, seconds(10))) << logs(c);
  const auto master = *agreed_master(c);
  EXPECT_EQ(master, 1u);  // standalone Berkeley: the lowest id leads
  // Each running process reports its own build, the one the test binary was built with.
  for (std::size_t i = 0; i < c.size(); ++i) {
    const auto j = c.status(i);
    ASSERT_TRUE(j.has_value()) << c.log_tail(i);
    EXPECT_EQ((*j)["build"], (nlohmann::json{{"release", daemon::release_version()}, {"code", daemon::code_identity()}}));
  }
  ASSERT_TRUE(wait_until([&] { return rounds_of(c, master) >= 4; }, seconds(15))) << logs(c);
  const double bound_ns = skew_bound_s() * 1e9;
  const double skew_ns = max_skew_over(c, 6, milliseconds(100));
  std::printf("static master: skew %.3f ms, bound %.3f ms\n", skew_ns * 1e-6, bound_ns * 1e-6);
  RecordProperty("skew_ms", std::to_string(skew_ns * 1e-6));
  RecordProperty("bound_ms", std::to_string(bound_ns * 1e-6));
  EXPECT_LE(skew_ns, bound_ns) << logs(c);
  for (std::size_t i = 0; i < c.size(); ++i) EXPECT_EQ(c.stop_gracefully(i, milliseconds(3000)), 0) << c.log_tail(i);
}

// The master binds the IPv6 wildcard [::], which takes both IP versions: its slaves, on 127.0.0.1
// or on [::1], reach it at that address, and it reaches them at theirs (an IPv4 one as
// IPv4-mapped). The cluster converges within the same bound.
TEST_P(DaemonCluster, ADualStackMasterLeadsPeersOfEitherVersion) {
  ASSERT_TRUE(registered("berkeley", algorithms::Layer::kSync)) << "sync kind 'berkeley' missing from algorithms/registry.cpp";
  auto args = berkeley_args();
  args.insert(args.end(), {"--election", "none"});
  const std::string host = GetParam();
  auto nodes = five_nodes();
  nodes[0].listen_host = "[::]";
  ClusterHarness c(std::string("dual_stack_master") + (host[0] == '[' ? "_ipv6" : ""), nodes, args, host);
  c.start_all();
  ASSERT_TRUE(wait_until([&] { return agreed_master(c).has_value(); }, seconds(10))) << logs(c);
  EXPECT_EQ(*agreed_master(c), 1u);
  ASSERT_TRUE(wait_until([&] { return rounds_of(c, 1) >= 4; }, seconds(15))) << logs(c);
  const double skew_ns = max_skew_over(c, 6, milliseconds(100));
  EXPECT_LE(skew_ns, skew_bound_s() * 1e9) << logs(c);
  const auto master = c.status(c.index_of(1));
  ASSERT_TRUE(master);
  // Nothing dropped but the start-up messages sent before the epochs were learned.
  EXPECT_EQ((*master)["counters"]["dropped_total"], (*master)["counters"]["dropped"]["stale"]) << master->dump();
  EXPECT_GT((*master)["counters"]["packets_accepted"].get<std::uint64_t>(), 8u) << master->dump();
  for (std::size_t i = 0; i < c.size(); ++i) EXPECT_EQ(c.stop_gracefully(i, milliseconds(3000)), 0) << c.log_tail(i);
}

// The master's log goes to a pipe that is full before it starts and that nobody reads (a paused
// `clocksyncd ... 2>&1 | less`, a stuck log collector). Its clock and its cluster must not wait
// for the reader: it starts, leads the rounds and keeps the five within the bound, answers its
// status, and counts every line it could not write; its last line, once the reader reads again,
// says how many were lost.
TEST(DaemonLog, AMasterWhoseLogReaderStoppedReadingKeepsTheClusterWithinTheBound) {
  int fds[2];
  ASSERT_EQ(::pipe2(fds, O_CLOEXEC), 0);
  const int read_fd = fds[0], write_fd = fds[1];
  // Two pages: poll() calls a pipe writable while one of its pages is free, so that the
  // signal and stop lines both go in once the reader has read.
  ::fcntl(write_fd, F_SETPIPE_SZ, 8192);
  ::fcntl(write_fd, F_SETFL, O_NONBLOCK);
  const std::string filler(512, '#');
  while (::write(write_fd, filler.data(), filler.size()) > 0) {
  }
  ::fcntl(write_fd, F_SETFL, 0);  // the daemon inherits an ordinary blocking descriptor
  auto nodes = five_nodes();
  nodes[0].output_fd = write_fd;
  auto args = berkeley_args();
  args.insert(args.end(), {"--election", "none"});
  {
    ClusterHarness c("stuck_log_reader", nodes, args);
    c.start_all();
    ::close(write_fd);
    ASSERT_TRUE(wait_until([&] { return agreed_master(c) == std::optional<std::uint32_t>(1); }, seconds(10))) << logs(c);
    ASSERT_TRUE(wait_until([&] { return rounds_of(c, 1) >= 4; }, seconds(15))) << logs(c);
    const double skew_ns = max_skew_over(c, 6, milliseconds(100));
    EXPECT_LE(skew_ns, skew_bound_s() * 1e9) << logs(c);
    const auto j = c.status(0);
    ASSERT_TRUE(j.has_value());
    EXPECT_GE((*j)["counters"]["log_lines_unwritten"].get<std::uint64_t>(), 3u) << j->dump();  // privileges, start, role
    std::string held(16384, '\0');
    ASSERT_GT(::read(read_fd, held.data(), held.size()), 0);  // the reader reads again
    EXPECT_EQ(c.stop_gracefully(0, milliseconds(3000)), 0);
    for (std::size_t i = 1; i < c.size(); ++i) EXPECT_EQ(c.stop_gracefully(i, milliseconds(3000)), 0) << c.log_tail(i);
  }
  std::string rest;
  char buf[4096];
  for (ssize_t n; (n = ::read(read_fd, buf, sizeof buf)) > 0;) rest.append(buf, static_cast<std::size_t>(n));
  ::close(read_fd);
  const auto stop_line = rest.find("\"event\":\"stop\"");
  ASSERT_NE(stop_line, std::string::npos) << rest;
  EXPECT_NE(rest.find("\"unwritten\":"), std::string::npos) << rest;
}

}  // namespace
}  // namespace clocksim::daemon::testing
