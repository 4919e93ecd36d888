// A flood of forged packets (100,000 per second for 4 s, 127.0.0.1 only) at a slave: the cluster
// keeps completing rounds, the slave keeps answering and stays synchronized, its memory stays
// flat, and its log does not grow with the flood.
#include <gtest/gtest.h>
#include <sys/socket.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include "daemon/loop/endpoint.hpp"
#include "node/wire/codec.hpp"
#include "tests/daemon/integration/cluster_harness.hpp"

namespace clocksim::daemon::testing {
namespace {

namespace wire = node::wire;

using std::chrono::milliseconds;
using std::chrono::seconds;
using Clock = std::chrono::steady_clock;

long rss_kib(pid_t pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(f, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

TEST(DaemonFlood, HundredThousandForgedPacketsPerSecondDoNotStopTheCluster) {
#ifdef __SANITIZE_ADDRESS__
  // The memory check measures the daemon's own state, not AddressSanitizer's quarantine, which
  // holds freed blocks back (256 MiB by default) and would grow the daemons' RSS by that much.
  // The daemons started here inherit this.
  const char* asan = std::getenv("ASAN_OPTIONS");
  ::setenv("ASAN_OPTIONS", (std::string(asan ? asan : "") + ":quarantine_size_mb=0").c_str(), 1);
#endif
  ClusterHarness c("flood", {{1, 100, 5, {}}, {2, -100, -5, {}}, {3, 50, 2, {}}},
                   {"--sync", "berkeley", "--election", "none", "--set", "period=500ms", "--set", "probe_timeout=20ms",
                    "--set", "measure_cap=200ms", "--set", "quantum=0", "--set", "resolution=0", "--cluster", "7"});
  c.start_all();
  const std::size_t victim = c.index_of(2);
  ASSERT_TRUE(wait_until(
      [&] {
        auto m = c.status(0);
        return m && (*m)["rounds"].get<int>() >= 4;
      },
      seconds(15)));
  const auto before_master = *c.status(0);
  const auto before = *c.status(victim);
  const long rss_before = rss_kib(c.pid(victim));
  const auto log_path = std::string(CLOCKSIM_BINARY_DIR) + "/daemon-itest/flood/n2.log";
  const auto log_before = std::filesystem::file_size(log_path);

  // Well-formed packets in the master's name with a wrong key (each costs the victim an HMAC),
  // varied so that no two are equal, plus some garbage.
  const wire::ClusterKey wrong(std::vector<std::uint8_t>(32, 0x77));
  std::vector<std::vector<std::uint8_t>> forged;
  for (std::uint64_t k = 0; k < 4096; ++k) {
    wire::Envelope e;
    e.cluster = 7;
    e.sender = 1;
    e.receiver = 2;
    e.key_id = 1;
    e.sender_epoch = before_master["epoch"].get<std::uint64_t>();
    e.receiver_epoch = before["epoch"].get<std::uint64_t>();
    e.counter = 1'000'000 + k;
    Message m = make_message(MsgType::kAdjust, static_cast<std::uint32_t>(k));
    m.value_ns = 3'600'000'000'000;
    const auto p = wire::encode(e, m, &wrong);
    forged.emplace_back(p.bytes.begin(), p.bytes.begin() + static_cast<long>(p.size));
    if (k % 8 == 0) forged.push_back(std::vector<std::uint8_t>(64 + k % 100, static_cast<std::uint8_t>(k)));
  }
  auto sock_or = UdpSocket::bind_to(std::get<Endpoint>(parse_endpoint("127.0.0.1:0")));
  ASSERT_TRUE(std::holds_alternative<UdpSocket>(sock_or));
  const UdpSocket& sock = std::get<UdpSocket>(sock_or);
  const SocketAddress to = std::get<Endpoint>(parse_endpoint("127.0.0.1:" + std::to_string(c.data_port(victim)))).addr;

  // A sender thread: batches of 64 datagrams per sendmmsg(2), paced to 100,000 per second for
  // 4 s (catching up when late); the test thread meanwhile asks for status once a second.
  constexpr double kRatePerSecond = 100'000;
  constexpr auto kDuration = seconds(4);
  std::atomic<std::uint64_t> sent{0};
  const auto t0 = Clock::now();
  std::thread sender([&] {
    constexpr std::size_t kBatch = 64;
    std::array<mmsghdr, kBatch> msgs{};
    std::array<iovec, kBatch> iov{};
    std::uint64_t n = 0;
    for (;;) {
      const auto now = Clock::now();
      if (now - t0 >= kDuration) break;
      const double due = std::chrono::duration<double>(now - t0).count() * kRatePerSecond;
      while (static_cast<double>(n) < due) {
        for (std::size_t b = 0; b < kBatch; ++b) {
          auto& p = forged[(n + b) % forged.size()];
          iov[b] = {p.data(), p.size()};
          msgs[b].msg_hdr = {};
          msgs[b].msg_hdr.msg_name = const_cast<sockaddr*>(to.get());
          msgs[b].msg_hdr.msg_namelen = to.size();
          msgs[b].msg_hdr.msg_iov = &iov[b];
          msgs[b].msg_hdr.msg_iovlen = 1;
        }
        const int k = ::sendmmsg(sock.fd(), msgs.data(), kBatch, 0);
        if (k <= 0) break;
        n += static_cast<std::uint64_t>(k);
      }
      sent = n;
      std::this_thread::sleep_for(std::chrono::microseconds(500));
    }
    sent = n;
  });
  int status_answers = 0, status_asks = 0;
  long rss_max = rss_before;
  while (Clock::now() - t0 < kDuration) {
    std::this_thread::sleep_for(milliseconds(1000));
    ++status_asks;
    if (c.status(victim, 500)) ++status_answers;
    rss_max = std::max(rss_max, rss_kib(c.pid(victim)));
  }
  sender.join();
  const double elapsed = std::chrono::duration<double>(Clock::now() - t0).count();
  std::this_thread::sleep_for(milliseconds(300));
  const auto after_master = *c.status(0);
  const auto after = *c.status(victim);
  const long rss_after = rss_kib(c.pid(victim));
  const auto log_after = std::filesystem::file_size(log_path);
  const auto rounds = after_master["rounds"].get<std::uint64_t>() - before_master["rounds"].get<std::uint64_t>();
  const auto in = after["counters"]["packets_in"].get<std::uint64_t>() - before["counters"]["packets_in"].get<std::uint64_t>();
  const auto drops = after["counters"]["dropped_total"].get<std::uint64_t>() - before["counters"]["dropped_total"].get<std::uint64_t>();
  const auto accepted =
      after["counters"]["packets_accepted"].get<std::uint64_t>() - before["counters"]["packets_accepted"].get<std::uint64_t>();
  const double skew_ms = std::abs(after["clock"]["offset_ns"].get<double>() - after_master["clock"]["offset_ns"].get<double>()) * 1e-6;
  std::printf("flood: sent %llu forged packets in %.1f s (%.0f/s); victim read %llu, dropped %llu, accepted %llu genuine; "
              "master rounds %llu; status answered %d/%d; RSS %ld -> max %ld -> %ld KiB; log +%llu bytes; offset to master %.3f ms\n",
              static_cast<unsigned long long>(sent.load()), elapsed, static_cast<double>(sent) / elapsed,
              static_cast<unsigned long long>(in), static_cast<unsigned long long>(drops),
              static_cast<unsigned long long>(accepted), static_cast<unsigned long long>(rounds), status_answers, status_asks,
              rss_before, rss_max, rss_after, static_cast<unsigned long long>(log_after - log_before), skew_ms);
  // The sender shares the CPUs with the three daemons (and whatever else runs): on an idle
  // 2-core machine it reaches the target, on a loaded one it falls short; the line above says
  // what it reached. Below 40 % the test would no longer show anything.
  EXPECT_GE(static_cast<double>(sent) / elapsed, 0.4 * kRatePerSecond);
  EXPECT_GE(rounds, 5u);  // 8 at 500 ms; some slow ones allowed on a loaded machine
  EXPECT_GE(accepted, 10u);
  EXPECT_EQ(status_answers, status_asks);
  EXPECT_LT(rss_max - rss_before, 2048);  // KiB: flat, no per-packet state
  EXPECT_LT(log_after - log_before, 64u * 1024);
  EXPECT_EQ(after["counters"]["clock_steps"], before["counters"]["clock_steps"]);  // nothing forged applied
  EXPECT_LT(skew_ms, 10.0);
  EXPECT_EQ(c.stop_gracefully(victim, milliseconds(3000)), 0);
}

}  // namespace
}  // namespace clocksim::daemon::testing
