// Malformed, replayed, unauthenticated and wrongly keyed packets sent at a running clocksyncd:
// every one is dropped and counted by reason, none changes the node's role, master or clock, and
// the daemon keeps running and answering.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <thread>

#include "algorithms/core/rng.hpp"
#include "algorithms/registry.hpp"
#include "daemon/loop/endpoint.hpp"
#include "node/wire/auth.hpp"
#include "node/wire/codec.hpp"
#include "tests/daemon/integration/cluster_harness.hpp"

namespace clocksim::daemon::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

std::vector<std::uint8_t> bytes_of(const node::wire::Packet& p) { return {p.bytes.begin(), p.bytes.begin() + static_cast<long>(p.size)}; }

TEST(DaemonUnderAttack, DropsAndCountsBadPacketsWithoutStateChange) {
  if (!algorithms::find_algorithm("berkeley", algorithms::Layer::kSync)) {
    GTEST_SKIP() << "sync kind 'berkeley' not in the registry yet";
  }
  // The test plays node 3 from this socket: a configured peer, so its authentic packets count.
  auto sock_or = UdpSocket::bind_to(std::get<Endpoint>(parse_endpoint("127.0.0.1:0")));
  ASSERT_TRUE(std::holds_alternative<UdpSocket>(sock_or));
  const UdpSocket& sock = std::get<UdpSocket>(sock_or);

  ClusterHarness c("forged_packets", {{1, 100, 5, {}}, {2, -100, -5, {}}},
                   {"--sync", "berkeley", "--election", "none", "--set", "period=500ms", "--set", "probe_timeout=20ms",
                    "--set", "measure_cap=200ms", "--set", "quantum=0", "--set", "resolution=0", "--cluster", "7"});
  c.add_external_peer(3, sock.local_port());
  c.start_all();
  const std::size_t victim = c.index_of(2);
  ASSERT_TRUE(wait_until(
      [&] {
        auto m = c.status(c.index_of(1));
        return m && (*m)["rounds"].get<int>() >= 2;
      },
      seconds(10)));
  const nlohmann::json before = *c.status(victim);
  ASSERT_EQ(before["role"], "slave");
  ASSERT_EQ(before["believed_master"], 1);

  auto key_or = node::wire::load_key_file(c.key_file());
  ASSERT_TRUE(std::holds_alternative<node::wire::ClusterKey>(key_or));
  const node::wire::ClusterKey& key = std::get<node::wire::ClusterKey>(key_or);
  const node::wire::ClusterKey wrong_key(std::vector<std::uint8_t>(32, 0x99));
  const sockaddr_in to = std::get<Endpoint>(parse_endpoint("127.0.0.1:" + std::to_string(c.data_port(victim)))).addr;
  // Paced so that the kernel's receive buffer (about 200 small datagrams by default) never
  // overflows even when the daemon runs slowly (sanitizers): every packet must reach it.
  int sent = 0;
  auto send = [&](const std::vector<std::uint8_t>& b) {
    sock.send_to(b, to);
    if (++sent % 25 == 0) std::this_thread::sleep_for(milliseconds(10));
  };

  // A forged "step your clock by +10 s" in the master's name: must never take effect.
  Message forged = make_message(MsgType::kAdjust, 1);
  forged.value_ns = 10'000'000'000;
  Message forged_set = make_message(MsgType::kSetTime, 2);
  forged_set.value_ns = 4'000'000'000'000'000'000;
  std::uint64_t seq = 1'000'000;
  std::uint64_t expected_drops = 0;

  // One authentic, harmless packet from node 3 (an ACK for nothing), then its replays.
  const auto genuine = bytes_of(node::wire::encode({7, 3, seq++}, make_message(MsgType::kAck, 424242), &key));
  send(genuine);
  for (int i = 0; i < 5; ++i, ++expected_drops) send(genuine);
  send(bytes_of(node::wire::encode({7, 3, 10}, make_message(MsgType::kAck, 1), &key)));  // below the window
  ++expected_drops;
  // Wrong key, no key, wrong cluster, unknown sender.
  send(bytes_of(node::wire::encode({7, 1, seq++}, forged, &wrong_key)));
  send(bytes_of(node::wire::encode({7, 1, seq++}, forged_set, &wrong_key)));
  send(bytes_of(node::wire::encode({7, 1, seq++}, forged, nullptr)));
  send(bytes_of(node::wire::encode({8, 1, seq++}, forged, &key)));
  send(bytes_of(node::wire::encode({7, 9, seq++}, forged, &key)));
  expected_drops += 5;
  // Malformed: truncated, oversized, unknown version, unknown type.
  auto good = bytes_of(node::wire::encode({7, 3, seq++}, forged, &key));
  send({good.begin(), good.begin() + 40});
  auto big = good;
  big.resize(3000, 0);
  send(big);
  auto v2 = good;
  v2[4] = 2;
  send(v2);
  auto t = good;
  t[5] = 99;
  send(t);
  expected_drops += 4;
  // Deterministic garbage of every length up to 200 bytes.
  Rng rng(derive_seed(1, "forged_packets"));
  for (int i = 0; i < 400; ++i, ++expected_drops) {
    std::vector<std::uint8_t> junk(rng() % 201);
    for (auto& b : junk) b = static_cast<std::uint8_t>(rng());
    if (i % 2 == 0 && junk.size() >= 5) {  // half of them look like our header
      junk[0] = 'C', junk[1] = 'L', junk[2] = 'K', junk[3] = 'S', junk[4] = 1;
    }
    send(junk);
  }

  const std::uint64_t drops_before = before["counters"]["dropped_total"].get<std::uint64_t>();
  nlohmann::json after;
  ASSERT_TRUE(wait_until(
      [&] {
        auto s = c.status(victim);
        if (!s) return false;
        after = *s;
        return after["counters"]["dropped_total"].get<std::uint64_t>() >= drops_before + expected_drops;
      },
      seconds(5)))
      << "drops seen: " << after["counters"].dump();
  const auto& d = after["counters"]["dropped"];
  EXPECT_EQ(after["counters"]["dropped_total"].get<std::uint64_t>() - drops_before, expected_drops);
  EXPECT_EQ(d["replay"], 6);
  EXPECT_EQ(d["bad_mac"], 2);
  EXPECT_EQ(d["unauthenticated"], 1);
  EXPECT_EQ(d["wrong_cluster"], 1);
  EXPECT_EQ(d["unknown_sender"], 1);
  EXPECT_GE(d["truncated"], 1);
  EXPECT_GE(d["oversized"], 1);
  EXPECT_GE(d["unknown_version"], 1);
  EXPECT_GE(d["unknown_type"], 1);
  EXPECT_GE(d["bad_magic"], 100);

  // No state change: same role and master, the clock not moved by the forged corrections.
  EXPECT_EQ(after["role"], "slave");
  EXPECT_EQ(after["believed_master"], 1);
  EXPECT_LT(std::abs(after["clock"]["offset_ns"].get<double>() - before["clock"]["offset_ns"].get<double>()), 5e6);
  EXPECT_EQ(after["counters"]["clock_steps"], before["counters"]["clock_steps"]);
  // Still alive and still synchronizing.
  EXPECT_TRUE(wait_until(
      [&] {
        auto m = c.status(c.index_of(1));
        return m && (*m)["rounds"].get<int>() >= 4;
      },
      seconds(5)));
  EXPECT_EQ(c.stop_gracefully(victim, milliseconds(3000)), 0) << c.log_tail(victim);
  EXPECT_EQ(c.stop_gracefully(c.index_of(1), milliseconds(3000)), 0);
}

TEST(DaemonStartup, RefusesWithoutKeyUnlessInsecure) {
  const auto ports = free_udp_ports(1);
  const std::string cmd = std::string(CLOCKSYNCD_PATH) + " --id 1 --listen 127.0.0.1:" + std::to_string(ports[0]) +
                          " --sync none 2>/dev/null";
  const int st = std::system(cmd.c_str());
  ASSERT_TRUE(WIFEXITED(st));
  EXPECT_EQ(WEXITSTATUS(st), 2);
  const int st2 = std::system((std::string(CLOCKSYNCD_PATH) + " --id 1 --listen 127.0.0.1:1 --sync none --insecure "
                               "--set nonsense=1 2>/dev/null").c_str());
  ASSERT_TRUE(WIFEXITED(st2));
  EXPECT_EQ(WEXITSTATUS(st2), 2);  // got past the key check, stopped at the unknown parameter
  const int st3 = std::system((std::string(CLOCKSYNCD_PATH) + " --id 1 --listen 127.0.0.1:1 --insecure --clock system "
                               "2>/dev/null").c_str());
  ASSERT_TRUE(WIFEXITED(st3));
  EXPECT_EQ(WEXITSTATUS(st3), 2);  // system clock without --allow-system-clock
}

}  // namespace
}  // namespace clocksim::daemon::testing
