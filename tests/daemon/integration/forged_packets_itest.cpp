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
#include "node/wire/key_file.hpp"
#include "tests/daemon/integration/cluster_harness.hpp"

namespace clocksim::daemon::testing {
namespace {

namespace wire = node::wire;

using std::chrono::milliseconds;
using std::chrono::seconds;

std::vector<std::uint8_t> bytes_of(const wire::Packet& p) { return {p.bytes.begin(), p.bytes.begin() + static_cast<long>(p.size)}; }

TEST(DaemonUnderAttack, DropsAndCountsBadPacketsWithoutStateChange) {
  ASSERT_TRUE(algorithms::find_algorithm("berkeley", algorithms::Layer::kSync))
      << "sync kind 'berkeley' missing from algorithms/registry.cpp";
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

  // Node 3's own keyring: the key it shares with the victim (and with node 1).
  auto ring_or = wire::load_keyring_file(c.key_file(3));
  ASSERT_TRUE(std::holds_alternative<wire::Keyring>(ring_or)) << std::get<std::string>(ring_or);
  const wire::Keyring& ring = std::get<wire::Keyring>(ring_or);
  const wire::ClusterKey& key = *ring.signing_key(2)->second;
  const wire::ClusterKey wrong_key(std::vector<std::uint8_t>(32, 0x99));
  const std::uint64_t victim_epoch = before["epoch"].get<std::uint64_t>();
  const SocketAddress to = std::get<Endpoint>(parse_endpoint("127.0.0.1:" + std::to_string(c.data_port(victim)))).addr;
  // Paced so that the kernel's receive buffer (about 200 small datagrams by default) never
  // overflows even when the daemon runs slowly (sanitizers): every packet must reach it.
  int sent = 0;
  auto send = [&](const std::vector<std::uint8_t>& b) {
    sock.send_to(b, to);
    if (++sent % 25 == 0) std::this_thread::sleep_for(milliseconds(10));
  };
  // An envelope from `sender` to the victim that is fresh for its current run.
  auto env = [&](std::uint32_t cluster, NodeId sender, std::uint64_t counter) {
    wire::Envelope e;
    e.cluster = cluster;
    e.sender = sender;
    e.receiver = 2;
    e.key_id = 1;
    e.sender_epoch = 1000;
    e.receiver_epoch = victim_epoch;
    e.counter = counter;
    return e;
  };

  // A forged "step your clock by +10 s" in the master's name: must never take effect.
  Message forged = make_message(MsgType::kAdjust, 1);
  forged.value_ns = 10'000'000'000;
  Message forged_set = make_message(MsgType::kSetTime, 2);
  forged_set.value_ns = 4'000'000'000'000'000'000;
  std::uint64_t seq = 1'000;
  std::uint64_t expected_drops = 0;

  // One authentic, harmless packet from node 3 (an ACK for nothing), then its replays.
  const auto genuine = bytes_of(wire::encode(env(7, 3, seq++), make_message(MsgType::kAck, 424242), &key));
  send(genuine);
  for (int i = 0; i < 5; ++i, ++expected_drops) send(genuine);
  send(bytes_of(wire::encode(env(7, 3, 10), make_message(MsgType::kAck, 1), &key)));  // below the window
  ++expected_drops;
  // Node 3's key used in the master's name, a wrong key, no key, wrong cluster, unknown sender
  // id, addressed to node 1, made before the victim started (stale).
  send(bytes_of(wire::encode(env(7, 1, seq++), forged, &key)));
  send(bytes_of(wire::encode(env(7, 3, seq++), forged_set, &wrong_key)));
  send(bytes_of(wire::encode(env(7, 1, seq++), forged, nullptr)));
  send(bytes_of(wire::encode(env(8, 3, seq++), forged, &key)));
  send(bytes_of(wire::encode(env(7, 9, seq++), forged, &key)));
  auto to_node1 = env(7, 3, seq++);
  to_node1.receiver = 1;
  send(bytes_of(wire::encode(to_node1, forged, &key)));
  auto stale = env(7, 3, seq++);
  stale.receiver_epoch = victim_epoch - 1;
  send(bytes_of(wire::encode(stale, forged, &key)));
  expected_drops += 7;
  // Malformed: truncated, oversized, unknown version, unknown type.
  auto good = bytes_of(wire::encode(env(7, 3, seq++), forged, &key));
  send({good.begin(), good.begin() + 40});
  auto big = good;
  big.resize(3000, 0);
  send(big);
  auto v2 = good;
  v2[4] = 3;
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
      junk[0] = 'C', junk[1] = 'L', junk[2] = 'K', junk[3] = 'S', junk[4] = wire::kVersion;
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
  EXPECT_EQ(d["unknown_key"], 1);
  EXPECT_EQ(d["wrong_receiver"], 1);
  // Start-up messages sent before the two daemons learned each other's epoch count as stale too.
  EXPECT_EQ(d["stale"].get<int>() - before["counters"]["dropped"]["stale"].get<int>(), 1);
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
