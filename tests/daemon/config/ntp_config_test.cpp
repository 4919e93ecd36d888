// The daemon's `ntp:` section and its checks (sync kind, ids).
#include <gtest/gtest.h>

#include <fstream>

#include "daemon/config/daemon_config.hpp"

namespace clocksim::daemon {
namespace ntp_config_test {

std::string write_file(const std::string& name, const std::string& text) {
  const std::string path = std::string(CLOCKSIM_BINARY_DIR) + "/" + name;
  std::ofstream(path) << text;
  return path;
}

TEST(NtpConfig, SectionReachesTheStackAndTheLoop) {
  DaemonConfig cfg;
  const auto err = load_config_file(write_file("ntp-ok.yaml", R"yaml(
id: 1
listen: 127.0.0.1:5525
insecure: true
ntp:
  listen: 127.0.0.1:12301
  servers: [100@127.0.0.1:12300, 101@127.0.0.1:12302]
  reference_clock: system
algorithm:
  sync: {kind: ntp, minpoll: 0}
)yaml"),
                                    cfg);
  ASSERT_FALSE(err) << *err;
  const auto setup = build_stack_setup(cfg);
  ASSERT_TRUE(std::holds_alternative<algorithms::StackSetup>(setup)) << std::get<std::string>(setup);
  const auto& s = std::get<algorithms::StackSetup>(setup);
  EXPECT_EQ(s.servers, (std::vector<NodeId>{100, 101}));
  EXPECT_TRUE(s.reference_clock);
  const auto loop = build_loop_config(cfg);
  ASSERT_TRUE(std::holds_alternative<LoopConfig>(loop));
  EXPECT_EQ(std::get<LoopConfig>(loop).ntp_listen, "127.0.0.1:12301");
  EXPECT_EQ(std::get<LoopConfig>(loop).ntp_servers.size(), 2u);
  EXPECT_TRUE(std::get<LoopConfig>(loop).reference_clock_system);
}

TEST(NtpConfig, ErrorsNameTheKeyOrTheConflict) {
  DaemonConfig bad_ref;
  const auto e1 = load_config_file(write_file("ntp-bad-ref.yaml", "id: 1\nntp: {reference_clock: gps}\n"), bad_ref);
  ASSERT_TRUE(e1);
  EXPECT_NE(e1->find("ntp.reference_clock"), std::string::npos) << *e1;
  EXPECT_NE(e1->find(":2:"), std::string::npos) << *e1;

  DaemonConfig bad_key;
  const auto e2 = load_config_file(write_file("ntp-bad-key.yaml", "id: 1\nntp: {lisen: 1.2.3.4:5}\n"), bad_key);
  ASSERT_TRUE(e2);
  EXPECT_NE(e2->find("lisen"), std::string::npos) << *e2;

  DaemonConfig clash;
  clash.id = 1;
  clash.sync_kind = "ntp";
  clash.peers = {PeerConfig{2, "127.0.0.1:5526"}};
  clash.ntp_servers = {PeerConfig{2, "127.0.0.1:123"}};
  const auto r1 = build_stack_setup(clash);
  ASSERT_TRUE(std::holds_alternative<std::string>(r1));
  EXPECT_NE(std::get<std::string>(r1).find("already"), std::string::npos);

  DaemonConfig wrong_sync;
  wrong_sync.id = 1;
  wrong_sync.sync_kind = "berkeley";
  wrong_sync.ntp_servers = {PeerConfig{100, "127.0.0.1:123"}};
  const auto r2 = build_stack_setup(wrong_sync);
  ASSERT_TRUE(std::holds_alternative<std::string>(r2));
  EXPECT_EQ(std::get<std::string>(r2), "ntp.servers (--ntp-server) needs sync: ntp, not 'berkeley'");

  // An NTP port that no NTP algorithm would answer on is refused the same way.
  DaemonConfig listen_only;
  listen_only.id = 1;
  listen_only.sync_kind = "berkeley";
  listen_only.ntp_listen = "127.0.0.1:12301";
  const auto r3 = build_stack_setup(listen_only);
  ASSERT_TRUE(std::holds_alternative<std::string>(r3));
  EXPECT_EQ(std::get<std::string>(r3), "ntp.listen (--ntp-listen) needs sync: ntp, not 'berkeley'");
  listen_only.reference_clock = "system";
  const auto r4 = build_stack_setup(listen_only);
  ASSERT_TRUE(std::holds_alternative<std::string>(r4));
  EXPECT_EQ(std::get<std::string>(r4),
            "ntp.listen (--ntp-listen), ntp.reference_clock (--reference-clock) need sync: ntp, not 'berkeley'");
  listen_only.sync_kind = "ntp";
  EXPECT_TRUE(std::holds_alternative<algorithms::StackSetup>(build_stack_setup(listen_only)));
}

// Ids from kNtpClientIdBase up are the NTP port's client slots: a member or NTP server there is
// refused where it is written (file:line:col and key), as a flag, and by the loop itself.
TEST(NtpConfig, IdsOfTheNtpClientSlotsAreRefused) {
  const std::string first = std::to_string(kNtpClientIdBase);
  const struct {
    const char* name;
    std::string text;
    std::string error;  // after "<file>:"
  } placed[] = {
      {"ntp-reserved-id.yaml", "id: " + first + "\n", "1:5: error: at 'id': id " + first + " is reserved"},
      {"ntp-reserved-peer.yaml", "id: 1\npeers: [2@127.0.0.1:5526, 4294967293@127.0.0.1:5527]\n",
       "2:27: error: at 'peers.1': id 4294967293 is reserved"},
      {"ntp-reserved-server.yaml", "id: 1\nntp:\n  servers:\n    - " + first + "@127.0.0.1:123\n",
       "4:7: error: at 'ntp.servers.0': id " + first + " is reserved"},
  };
  for (const auto& c : placed) {
    DaemonConfig cfg;
    const std::string path = write_file(c.name, c.text);
    const auto e = load_config_file(path, cfg);
    ASSERT_TRUE(e) << c.name;
    EXPECT_EQ(e->rfind(path + ":" + c.error, 0), 0u) << *e;
  }
  // Below the range is a member id like any other.
  DaemonConfig edge;
  EXPECT_EQ(load_config_file(write_file("ntp-edge-id.yaml", "id: 4026531839\npeers: [1@127.0.0.1:5526]\n"), edge), std::nullopt);

  // From flags: refused when the settings are assembled.
  DaemonConfig flags;
  flags.id = 1;
  flags.sync_kind = "ntp";
  flags.ntp_servers = {PeerConfig{kNtpClientIdBase + 7, "127.0.0.1:123"}};
  auto r = build_stack_setup(flags);
  ASSERT_TRUE(std::holds_alternative<std::string>(r));
  EXPECT_EQ(std::get<std::string>(r).rfind("ntp server id " + std::to_string(kNtpClientIdBase + 7) + " is reserved", 0), 0u)
      << std::get<std::string>(r);
  flags.ntp_servers.clear();
  flags.peers = {PeerConfig{kNtpClientIdBase, "127.0.0.1:5526"}};
  r = build_stack_setup(flags);
  ASSERT_TRUE(std::holds_alternative<std::string>(r));
  EXPECT_EQ(std::get<std::string>(r).rfind("peer id " + first + " is reserved", 0), 0u) << std::get<std::string>(r);
  flags.peers = {PeerConfig{2, "127.0.0.1:5526"}};
  flags.id = kNtpClientIdBase + 1;
  r = build_stack_setup(flags);
  ASSERT_TRUE(std::holds_alternative<std::string>(r));
  EXPECT_NE(std::get<std::string>(r).find("is reserved"), std::string::npos) << std::get<std::string>(r);
}

}  // namespace ntp_config_test
}  // namespace clocksim::daemon
