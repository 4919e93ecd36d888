// Key rotation on running clocksyncd processes: new pair keys are added accept-only to every
// member's key file and each daemon is sent SIGHUP (they accept the new key id and still sign
// with the old one); the new id is activated and each is sent SIGHUP again (they sign with it);
// they keep synchronizing throughout, with no restart. A broken key file is refused on reload and the keys in use are
// kept. Once the old id is retired, a packet made with an old key (a thief's copy of a member's
// former file) is dropped as `unknown_key`, where before the retirement it was accepted.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>

#include "algorithms/registry.hpp"
#include "daemon/loop/endpoint.hpp"
#include "node/wire/codec.hpp"
#include "node/wire/key_file.hpp"
#include "tests/daemon/integration/cluster_harness.hpp"

namespace clocksim::daemon::testing {
namespace {

namespace wire = node::wire;
using std::chrono::seconds;

std::string command_output(const std::string& command) {
  std::string out;
  if (FILE* f = ::popen(command.c_str(), "r")) {
    char buf[512];
    for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;) out.append(buf, n);
    ::pclose(f);
  }
  return out;
}

std::uint64_t accepted(const nlohmann::json& s) { return s["counters"]["packets_accepted"].get<std::uint64_t>(); }
std::uint64_t dropped(const nlohmann::json& s, const char* reason) {
  return s["counters"]["dropped"][reason].get<std::uint64_t>();
}

TEST(DaemonKeys, SighupRotatesAndRetiresKeysWithoutARestart) {
  ASSERT_TRUE(algorithms::find_algorithm("berkeley", algorithms::Layer::kSync))
      << "sync kind 'berkeley' missing from algorithms/registry.cpp";
  // The test holds member 3's key file, as a thief of it would, and sends from this socket.
  auto sock_or = UdpSocket::bind_to(std::get<Endpoint>(parse_endpoint("127.0.0.1:0")));
  ASSERT_TRUE(std::holds_alternative<UdpSocket>(sock_or));
  const UdpSocket& sock = std::get<UdpSocket>(sock_or);
  ClusterHarness c("keys_rotation", {{1, 100, 5, {}}, {2, -100, -5, {}}},
                   {"--sync", "berkeley", "--election", "none", "--set", "period=300ms", "--set", "probe_timeout=20ms",
                    "--set", "measure_cap=200ms", "--set", "quantum=0", "--set", "resolution=0", "--cluster", "7"});
  c.add_external_peer(3, sock.local_port());
  c.start_all();
  const std::size_t n1 = c.index_of(1), n2 = c.index_of(2);
  ASSERT_TRUE(wait_until([&] { auto s = c.status(n1); return s && (*s)["rounds"].get<int>() >= 2; }, seconds(10)))
      << c.log_tail(n1);
  // Started as root, the daemons run as nobody and read their files again as nobody.
  const bool root = ::geteuid() == 0;
  for (std::uint32_t id : {1u, 2u, 3u}) {
    if (root) {
      ASSERT_EQ(::chown(c.key_file(id).c_str(), 65534, 65534), 0);
    }
  }
  auto ring3 = wire::load_keyring_file(c.key_file(3), root ? std::optional<std::uint32_t>(65534) : std::nullopt);
  ASSERT_TRUE(std::holds_alternative<wire::Keyring>(ring3)) << std::get<std::string>(ring3);
  const wire::ClusterKey old_key_3_to_2 = *std::get<wire::Keyring>(ring3).signing_key(2)->second;

  const std::uint64_t epoch2 = (*c.status(n2))["epoch"].get<std::uint64_t>();
  const SocketAddress to2 = std::get<Endpoint>(parse_endpoint("127.0.0.1:" + std::to_string(c.data_port(n2)))).addr;
  std::uint64_t counter = 1;
  // An authentic-looking ACK from member 3 to member 2 under key id 1.
  auto send_with_old_key = [&] {
    wire::Envelope e;
    e.cluster = 7;
    e.sender = 3;
    e.receiver = 2;
    e.key_id = 1;
    e.sender_epoch = 1000;
    e.receiver_epoch = epoch2;
    e.counter = counter++;
    const wire::Packet p = wire::encode(e, make_message(MsgType::kAck, 1), &old_key_3_to_2);
    sock.send_to({p.bytes.data(), p.size}, to2);
  };
  auto all_keys = [&](std::uint64_t reloads, std::uint32_t signing) {
    for (std::size_t i : {n1, n2}) {
      const auto s = c.status(i);
      if (!s || s->at("keys").is_null() || s->at("keys")["reloads"].get<std::uint64_t>() != reloads) return false;
      for (const auto& [peer, id] : s->at("keys")["signing_key_ids"].items()) {
        if (id.is_null() || id.get<std::uint32_t>() != signing) return false;
      }
    }
    return true;
  };
  auto keeps_synchronizing = [&] {
    const std::uint64_t a1 = accepted(*c.status(n1)), a2 = accepted(*c.status(n2));
    return wait_until([&] { return accepted(*c.status(n1)) >= a1 + 3 && accepted(*c.status(n2)) >= a2 + 3; }, seconds(10));
  };
  auto hup = [&](std::size_t i) { ASSERT_EQ(::kill(c.pid(i), SIGHUP), 0); };
  ASSERT_TRUE(all_keys(0, 1));

  // Rotate: key id 2 beside id 1 in every file, accept-only, then SIGHUP each daemon.
  const auto added = wire::pairwise_keyrings({1, 2, 3}, 2, /*accept_only=*/true);
  for (std::uint32_t id : {1u, 2u, 3u}) {
    ASSERT_FALSE(wire::replace_secret_file(c.key_file(id), read_file_text(c.key_file(id)) + added[id - 1]));
  }
  hup(n1);
  hup(n2);
  ASSERT_TRUE(wait_until([&] { return all_keys(1, 1); }, seconds(5))) << c.log_tail(n1) << c.log_tail(n2);
  EXPECT_EQ((*c.status(n1))["keys"]["accepted_key_ids"], (nlohmann::json{{"2", {1, 2}}, {"3", {1, 2}}}));
  // clocksyncctl's table says so too: signing with 1, accepting 1 and 2.
  const std::string ctl = std::string(CLOCKSYNCD_PATH).substr(0, std::string(CLOCKSYNCD_PATH).rfind('/')) + "/clocksyncctl";
  EXPECT_NE(command_output(ctl + " status --peer " + c.status_address(n1)).find(" 1 [1,2]\n"), std::string::npos);
  EXPECT_TRUE(keeps_synchronizing()) << c.log_tail(n2);
  // Activate: the daemons sign with id 2.
  for (std::uint32_t id : {1u, 2u, 3u}) {
    ASSERT_FALSE(wire::replace_secret_file(c.key_file(id), wire::activate_key_id(read_file_text(c.key_file(id)), 2)));
  }
  hup(n1);
  hup(n2);
  ASSERT_TRUE(wait_until([&] { return all_keys(2, 2); }, seconds(5))) << c.log_tail(n1) << c.log_tail(n2);
  EXPECT_TRUE(keeps_synchronizing()) << c.log_tail(n2);
  // Id 1 is still accepted from a member that has not reloaded yet.
  const std::uint64_t before_old = accepted(*c.status(n2));
  send_with_old_key();
  EXPECT_TRUE(wait_until([&] { return accepted(*c.status(n2)) > before_old; }, seconds(5)));

  // A key file left world-readable is refused on reload; the keys in use stay.
  ASSERT_EQ(::chmod(c.key_file(2).c_str(), 0644), 0);
  hup(n2);
  ASSERT_TRUE(wait_until([&] { auto s = c.status(n2); return s && s->at("keys")["reloads_refused"] == 1; }, seconds(5)));
  const nlohmann::json refused = *c.status(n2);
  EXPECT_NE(refused["keys"]["last_reload_error"].get<std::string>().find("too open"), std::string::npos)
      << refused["keys"].dump();
  EXPECT_TRUE(all_keys(2, 2));
  EXPECT_TRUE(keeps_synchronizing()) << c.log_tail(n2);
  ASSERT_EQ(::chmod(c.key_file(2).c_str(), 0600), 0);

  // Retire id 1 everywhere and reload: the old key opens nothing now.
  for (std::uint32_t id : {1u, 2u, 3u}) {
    ASSERT_FALSE(wire::replace_secret_file(c.key_file(id), wire::keep_key_id(read_file_text(c.key_file(id)), 2)));
  }
  hup(n1);
  hup(n2);
  ASSERT_TRUE(wait_until([&] { return all_keys(3, 2); }, seconds(5))) << c.log_tail(n1) << c.log_tail(n2);
  EXPECT_TRUE((*c.status(n2))["keys"]["last_reload_error"].is_null());
  EXPECT_EQ((*c.status(n1))["keys"]["accepted_key_ids"], (nlohmann::json{{"2", {2}}, {"3", {2}}}));
  EXPECT_NE(command_output(ctl + " status --peer " + c.status_address(n1)).find("  2\n"), std::string::npos);
  EXPECT_TRUE(keeps_synchronizing()) << c.log_tail(n2);
  const std::uint64_t unknown_before = dropped(*c.status(n2), "unknown_key");
  send_with_old_key();
  EXPECT_TRUE(wait_until([&] { return dropped(*c.status(n2), "unknown_key") == unknown_before + 1; }, seconds(5)));

  EXPECT_EQ(c.stop_gracefully(n1, std::chrono::milliseconds(3000)), 0) << c.log_tail(n1);
  EXPECT_EQ(c.stop_gracefully(n2, std::chrono::milliseconds(3000)), 0) << c.log_tail(n2);
}

}  // namespace
}  // namespace clocksim::daemon::testing
