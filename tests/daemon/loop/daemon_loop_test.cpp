// The socket loop in-process, against a scripted algorithm and a fake peer socket on 127.0.0.1:
// only what needs real sockets (binding, sendto, MSG_TRUNC, the status socket, stop). What the
// node loop decides (decode, auth, replay, effects, counters) is tested deterministically in
// tests/node/loop/node_loop_test.cpp.
#include "daemon/loop/daemon_loop.hpp"
#include "node/wire/key_file.hpp"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <thread>

#include "daemon/clock/host_time_source.hpp"
#include "node/clock/virtual_clock.hpp"
#include "tests/node/loop/probe_algorithm.hpp"
#include "daemon/loop/control_socket.hpp"
#include "daemon/loop/status_client.hpp"

namespace clocksim::daemon {
namespace {

namespace wire = node::wire;
using node::Logger;
using node::VirtualClock;
using node::VirtualClockParams;
using node::LogRateLimit;

using namespace clocksim::literals;

using node::testing::Probe;

std::vector<std::uint8_t> bytes_of(const wire::Packet& p) { return {p.bytes.begin(), p.bytes.begin() + static_cast<long>(p.size)}; }

class LoopFixture : public ::testing::Test {
 protected:
  static constexpr std::uint32_t kCluster = 9;

  void SetUp() override {
    auto peer = UdpSocket::bind_to(std::get<Endpoint>(parse_endpoint("127.0.0.1:0")));
    ASSERT_TRUE(std::holds_alternative<UdpSocket>(peer));
    peer_ = std::move(std::get<UdpSocket>(peer));
    LoopConfig cfg;
    cfg.self = 1;
    cfg.listen = "127.0.0.1:0";
    cfg.status = "127.0.0.1:0";
    cfg.cluster = kCluster;
    cfg.peers = {{2, "127.0.0.1:" + std::to_string(peer_.local_port())}, {3, "127.0.0.1:9"}};
    auto probe = std::make_unique<Probe>();
    probe_ = probe.get();
    clock_ = std::make_unique<VirtualClock>(VirtualClockParams{100, 5_ms, 500}, host_);
    loop_ = std::make_unique<DaemonLoop>(cfg, std::move(probe), *clock_, &ring_, log_);
    ASSERT_EQ(loop_->open(), std::nullopt);
    daemon_addr_ = std::get<Endpoint>(parse_endpoint("127.0.0.1:" + std::to_string(loop_->listen_port()))).addr;
    status_ = "127.0.0.1:" + std::to_string(loop_->status_port());
    thread_ = std::thread([this] { loop_->run(); });
    // The loop asks every peer for its epoch at start; its request tells us the loop's.
    auto hello = receive_any(2000);
    ASSERT_TRUE(hello);
    ASSERT_EQ(hello->envelope.kind, wire::PacketKind::kHelloRequest);
    daemon_epoch_ = hello->envelope.sender_epoch;
  }
  void TearDown() override {
    if (thread_.joinable()) {
      loop_->request_stop();
      thread_.join();
    }
  }
  void stop() {
    loop_->request_stop();
    thread_.join();
  }

  void send_raw(const std::vector<std::uint8_t>& bytes) { peer_.send_to(bytes, daemon_addr_); }
  // A packet from `sender` that is fresh for the loop's run (counter = `counter`).
  wire::Envelope envelope(NodeId sender, std::uint64_t counter) const {
    wire::Envelope e;
    e.cluster = kCluster;
    e.sender = sender;
    e.receiver = 1;
    e.sender_epoch = 1000;
    e.receiver_epoch = daemon_epoch_;
    e.counter = counter;
    return e;
  }
  std::vector<std::uint8_t> packet(MsgType type, std::uint64_t counter, NodeId sender = 2,
                                   const wire::ClusterKey* key = nullptr) {
    Message m = make_message(type, 77);
    m.value_ns = 1'000'000;
    return bytes_of(wire::encode(envelope(sender, counter), m, key ? key : &key_));
  }
  // Next datagram the peer (node 2) receives, decoded with the cluster key.
  std::optional<wire::Decoded> receive_any(int timeout_ms) {
    pollfd pfd{peer_.fd(), POLLIN, 0};
    if (::poll(&pfd, 1, timeout_ms) <= 0) return std::nullopt;
    std::array<std::uint8_t, 2048> buf{};
    const ssize_t n = ::recv(peer_.fd(), buf.data(), buf.size(), 0);
    auto r = wire::decode({buf.data(), static_cast<std::size_t>(n)}, kCluster, 2, &ring_);
    EXPECT_TRUE(r.ok()) << wire::drop_reason_name(r.reason);
    return r.packet;
  }
  // Next message (hellos skipped).
  std::optional<wire::Decoded> receive(int timeout_ms) {
    for (;;) {
      auto p = receive_any(timeout_ms);
      if (!p || p->envelope.kind == wire::PacketKind::kMessage) return p;
    }
  }
  nlohmann::json status() {
    auto s = query_status(status_, 2000);
    EXPECT_TRUE(std::holds_alternative<nlohmann::json>(s)) << std::get<std::string>(s);
    return std::get<nlohmann::json>(s);
  }
  // Waits until the daemon has counted `n` incoming datagrams. Each status query is answered
  // after the datagrams queued before it were handled, so asking again is the wait (no sleep).
  nlohmann::json wait_packets_in(std::uint64_t n) {
    for (int i = 0; i < 200; ++i) {
      auto s = status();
      if (s["counters"]["packets_in"].get<std::uint64_t>() >= n) return s;
    }
    ADD_FAILURE() << "daemon did not receive " << n << " packets";
    return status();
  }

  HostTimeSource host_;
  wire::ClusterKey key_{std::vector<std::uint8_t>(32, 0x42)};
  wire::Keyring ring_ = wire::Keyring::shared(key_);
  std::uint64_t daemon_epoch_ = 0;
  Logger log_{nullptr};
  UdpSocket peer_;
  Probe* probe_ = nullptr;
  std::unique_ptr<VirtualClock> clock_;
  std::unique_ptr<DaemonLoop> loop_;
  SocketAddress daemon_addr_{};
  std::string status_;
  std::thread thread_;
};

TEST_F(LoopFixture, TimerFiresAndBroadcastReachesPeersAuthenticated) {
  auto got = receive(2000);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->envelope.sender, 1u);
  EXPECT_EQ(got->message.type, MsgType::kHeartbeat);
  EXPECT_EQ(got->message.seq, 7u);  // the timer id the probe echoes
  auto s = status();
  EXPECT_EQ(s["counters"]["timers_fired"], 1);
  EXPECT_EQ(s["counters"]["packets_out"], 4);  // a hello request to each peer, then the broadcast to both
  EXPECT_EQ(s["id"], 1);
  EXPECT_EQ(s["role"], "slave");
  EXPECT_EQ(s["auth"], "hmac-sha256 (cluster key)");
  EXPECT_EQ(s["epoch"], daemon_epoch_);
  EXPECT_EQ(s["clock"]["backend"], "virtual");
  EXPECT_NEAR(s["clock"]["offset_ns"].get<double>(), 5e6, 1e6);
}

TEST_F(LoopFixture, DeliversAuthenticPacketsAndAppliesClockEffects) {
  send_raw(packet(MsgType::kAdjust, 100));
  send_raw(packet(MsgType::kMasterUp, 101));
  auto s = wait_packets_in(2);
  EXPECT_EQ(s["counters"]["packets_accepted"], 2);
  EXPECT_EQ(s["counters"]["clock_steps"], 1);
  EXPECT_NEAR(s["clock"]["offset_ns"].get<double>(), 6e6, 1e6);  // 5 ms start + 1 ms step
  EXPECT_EQ(s["role"], "master");
  EXPECT_EQ(s["counters"]["role_changes"], 1);
  stop();
  ASSERT_EQ(probe_->received.size(), 2u);
  EXPECT_EQ(probe_->received[0].first, 2u);
  EXPECT_EQ(probe_->received[0].second.type, MsgType::kAdjust);
  EXPECT_EQ(probe_->received[0].second.seq, 77u);
}

TEST_F(LoopFixture, DropsAndCountsMalformedReplayedAndWronglyKeyedPackets) {
  const wire::ClusterKey wrong(std::vector<std::uint8_t>(32, 0x43));
  send_raw(packet(MsgType::kAdjust, 500));                      // accepted
  send_raw(packet(MsgType::kAdjust, 500));                      // replay
  send_raw(packet(MsgType::kAdjust, 400));                      // too old for the window
  auto stale = envelope(2, 600);
  stale.receiver_epoch = daemon_epoch_ - 1;                     // made for an earlier run
  send_raw(bytes_of(wire::encode(stale, make_message(MsgType::kAdjust), &key_)));
  auto elsewhere = envelope(2, 601);
  elsewhere.receiver = 3;                                       // addressed to node 3
  send_raw(bytes_of(wire::encode(elsewhere, make_message(MsgType::kAdjust), &key_)));
  send_raw(packet(MsgType::kAdjust, 501, 2, &wrong));           // bad MAC
  send_raw(packet(MsgType::kAdjust, 502, 5));                   // not a configured peer
  send_raw(packet(MsgType::kAdjust, 503, 1));                   // claims to be us
  auto truncated = packet(MsgType::kAdjust, 504);
  truncated.resize(50);
  send_raw(truncated);
  send_raw(std::vector<std::uint8_t>(3000, 0xAB));              // oversized (and garbage)
  send_raw({'h', 'e', 'l', 'l', 'o'});                          // bad magic
  auto unknown_type = packet(MsgType::kAdjust, 505);
  unknown_type[5] = 200;
  send_raw(unknown_type);
  auto unauthenticated = bytes_of(wire::encode(envelope(2, 506), make_message(MsgType::kAdjust), nullptr));
  send_raw(unauthenticated);
  auto s = wait_packets_in(13);
  const auto& d = s["counters"]["dropped"];
  EXPECT_EQ(d["replay"], 2);
  EXPECT_EQ(d["bad_mac"], 1);
  EXPECT_EQ(d["unknown_sender"], 2);
  EXPECT_EQ(d["truncated"], 1);
  EXPECT_EQ(d["oversized"], 1);
  EXPECT_EQ(d["bad_magic"], 1);
  EXPECT_EQ(d["unknown_type"], 1);
  EXPECT_EQ(d["unauthenticated"], 1);
  EXPECT_EQ(d["stale"], 1);
  EXPECT_EQ(d["wrong_receiver"], 1);
  EXPECT_EQ(s["counters"]["dropped_total"], 12);
  EXPECT_EQ(s["counters"]["hellos_out"], 1);  // the stale packet was answered with a hello
  EXPECT_EQ(s["counters"]["packets_accepted"], 1);
  EXPECT_EQ(s["counters"]["clock_steps"], 1);
  stop();
  ASSERT_EQ(probe_->received.size(), 1u);
  EXPECT_EQ(probe_->received[0].second.type, MsgType::kAdjust);
}

TEST_F(LoopFixture, ShutdownFlushesTheAlgorithmsGoodbye) {
  ASSERT_TRUE(receive(2000));  // the timer's heartbeat
  stop();
  auto got = receive(2000);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->message.type, MsgType::kLeave);
}

// An algorithm gone wild: every timer re-arms itself at once and asks for a huge backwards rate,
// so every timer is always due. The loop must still answer status requests and stop on request.
class Runaway final : public Algorithm {
 public:
  void on_start(LocalTime, Effects& out) override {
    for (TimerId id = 1; id <= 100; ++id) out.set_timer(id, Duration::zero());
  }
  void on_message(LocalTime, NodeId, const Message&, Effects&) override {}
  void on_timer(LocalTime, TimerId id, Effects& out) override {
    out.set_timer(id, Duration::zero());
    out.set_rate_correction_ppm(-2e6);
  }
  Role role() const override { return Role::kSlave; }
};

// What a DaemonLoop test opens a loop with: a virtual clock on the host's time, no log, node 1 on
// an ephemeral loopback port.
struct LoopParts {
  HostTimeSource host;
  VirtualClock clock{{}, host};
  Logger log{nullptr};
  LoopConfig cfg = [] {
    LoopConfig c;
    c.self = 1;
    c.listen = "127.0.0.1:0";
    return c;
  }();
};

TEST(DaemonLoop, BoundedWorkPerTurnKeepsTheLoopResponsive) {
  LoopParts p;
  auto& [host, clock, log, cfg] = p;
  cfg.status = "127.0.0.1:0";
  DaemonLoop loop(cfg, std::make_unique<Runaway>(), clock, nullptr, log);
  ASSERT_EQ(loop.open(), std::nullopt);
  std::thread t([&] { loop.run(); });
  const std::string status = "127.0.0.1:" + std::to_string(loop.status_port());
  int answered = 0;
  int unanswered = 0;
  nlohmann::json last;
  const auto capped = [&] {
    return last.contains("counters") && last["counters"]["timer_turns_capped"].get<std::uint64_t>() > 0;
  };
  // Each query waits for its answer while the runaway timers fire. An unbounded loop never
  // answers nor stops, so generous limits still tell it apart, and a loaded CI host (sanitizers,
  // parallel tests) does not fail a loop that is merely slow. The first answers may come before
  // the loop has run a timer turn at all, so it keeps asking until a capped turn shows.
  for (int k = 0; k < 400 && (answered < 5 || !capped()); ++k) {
    auto r = query_status(status, 3000);
    if (auto* j = std::get_if<nlohmann::json>(&r)) {
      ++answered;
      last = *j;
    } else {
      ++unanswered;
    }
    if (answered >= 5 && !capped()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  const auto t0 = std::chrono::steady_clock::now();
  loop.request_stop();
  t.join();
  const double stop_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_EQ(unanswered, 0);
  EXPECT_GE(answered, 5);
  ASSERT_TRUE(capped()) << "no capped timer turn in " << answered << " status answers";
  EXPECT_DOUBLE_EQ(last["clock"]["rate_correction_ppm"].get<double>(), -500);  // clamped, never -2e6
  EXPECT_LT(stop_ms, 2000);
}

TEST(LogRateLimit, BurstThenSteadyRateAndCountsWhatItHeldBack) {
  LogRateLimit limit(10, 5);
  int passed = 0;
  for (int i = 0; i < 100; ++i) passed += limit.allow(0) ? 1 : 0;
  EXPECT_EQ(passed, 5);
  EXPECT_EQ(limit.take_suppressed(), 95u);
  EXPECT_EQ(limit.take_suppressed(), 0u);
  passed = 0;
  for (int ms = 1; ms <= 1000; ++ms) passed += limit.allow(static_cast<std::int64_t>(ms) * 1'000'000) ? 1 : 0;
  EXPECT_EQ(passed, 10);  // 10 per second after the burst
}

TEST(DaemonLoop, OpenReportsBadAddressesAndDuplicatePeers) {
  LoopParts p;
  auto& [host, clock, log, cfg] = p;
  cfg.status = "127.0.0.1:0";
  cfg.peers = {{2, "127.0.0.1:7000"}, {2, "127.0.0.1:7001"}};
  DaemonLoop a(cfg, std::make_unique<Probe>(), clock, nullptr, log);
  auto err = a.open();
  ASSERT_TRUE(err);
  EXPECT_NE(err->find("listed twice"), std::string::npos);
  cfg.peers = {{1, "127.0.0.1:7000"}};
  DaemonLoop b(cfg, std::make_unique<Probe>(), clock, nullptr, log);
  err = b.open();
  ASSERT_TRUE(err);
  EXPECT_NE(err->find("own id"), std::string::npos);
  cfg.peers = {};
  cfg.listen = "localhost-but-no-port";
  DaemonLoop c(cfg, std::make_unique<Probe>(), clock, nullptr, log);
  err = c.open();
  ASSERT_TRUE(err);
  EXPECT_NE(err->find("host:port"), std::string::npos);
}

// However its LoopConfig was built, a loop does not open with a member id among the NTP client
// slots: a client's replies would go to that member on the cluster channel.
TEST(DaemonLoop, RefusesMemberIdsReservedForNtpClients) {
  LoopParts p;
  auto& [host, clock, log, cfg] = p;
  cfg.ntp_listen = "127.0.0.1:0";
  cfg.peers = {{kNtpClientIdBase, "127.0.0.1:7000"}};
  DaemonLoop peer(cfg, std::make_unique<Probe>(), clock, nullptr, log);
  auto err = peer.check();
  ASSERT_TRUE(err);
  EXPECT_EQ(err->rfind("peer id " + std::to_string(kNtpClientIdBase) + " is reserved", 0), 0u) << *err;
  cfg.peers = {{2, "127.0.0.1:7000"}};
  cfg.self = kNtpClientIdBase + 3;
  DaemonLoop self(cfg, std::make_unique<Probe>(), clock, nullptr, log);
  err = self.open();
  ASSERT_TRUE(err);
  EXPECT_NE(err->find("is reserved"), std::string::npos) << *err;
}

// NTP servers without ntp.listen are polled from a client-only port (as chronyd and ntpd poll
// without serving), not dropped: the loop opens an NTP socket on an ephemeral port.
TEST(DaemonLoop, NtpServersWithoutAListenAddressGetAClientPort) {
  LoopParts p;
  auto& [host, clock, log, cfg] = p;
  cfg.ntp_servers = {{100, "127.0.0.1:9"}};
  DaemonLoop loop(cfg, std::make_unique<Probe>(), clock, nullptr, log);
  ASSERT_EQ(loop.open(), std::nullopt);
  EXPECT_NE(loop.ntp_port(), 0);
  // Without servers nothing is polled, so no NTP socket is opened.
  LoopParts q;
  DaemonLoop none(q.cfg, std::make_unique<Probe>(), q.clock, nullptr, q.log);
  ASSERT_EQ(none.open(), std::nullopt);
  EXPECT_EQ(none.ntp_port(), 0);
}

// A second daemon given the control path a running one answers on refuses to start (before it
// binds anything) and leaves the socket to its owner; the socket file of a run that has ended is
// replaced.
TEST(DaemonLoop, AControlSocketInUseIsNotTakenOver) {
  const std::string dir = std::string(CLOCKSIM_BINARY_DIR) + "/control-in-use";
  std::filesystem::create_directories(dir);
  const std::string path = dir + "/n.sock";
  ::unlink(path.c_str());
  LoopParts first_parts;
  first_parts.cfg.control = path;
  DaemonLoop first(first_parts.cfg, std::make_unique<Probe>(), first_parts.clock, nullptr, first_parts.log);
  ASSERT_EQ(first.open(), std::nullopt);
  LoopParts second_parts;
  second_parts.cfg.self = 2;
  second_parts.cfg.control = path;
  DaemonLoop second(second_parts.cfg, std::make_unique<Probe>(), second_parts.clock, nullptr, second_parts.log);
  const auto refused = second.check();
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->rfind("control socket " + path + " is in use", 0), 0u) << *refused;
  ASSERT_TRUE(second.open());
  // Still the first loop's: a request there reaches it.
  std::thread t([&] { first.run(); });
  auto r = query_status(path, 3000);
  ASSERT_TRUE(std::holds_alternative<nlohmann::json>(r)) << std::get<std::string>(r);
  EXPECT_EQ(std::get<nlohmann::json>(r)["id"], 1);
  first.request_stop();
  t.join();

  // A socket file nobody serves (a crashed run's) is taken.
  const int dead = ::socket(AF_UNIX, SOCK_DGRAM, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  const std::string stale = dir + "/stale.sock";
  ::unlink(stale.c_str());
  std::memcpy(addr.sun_path, stale.c_str(), stale.size() + 1);
  ASSERT_EQ(::bind(dead, reinterpret_cast<const sockaddr*>(&addr), sizeof addr), 0);
  ::close(dead);
  LoopParts third_parts;
  third_parts.cfg.control = stale;
  DaemonLoop third(third_parts.cfg, std::make_unique<Probe>(), third_parts.clock, nullptr, third_parts.log);
  EXPECT_EQ(third.check(), std::nullopt);
  EXPECT_EQ(third.open(), std::nullopt);
}

// Clients that ask and never read do not mute the control socket: each holds only its own unread
// answers, the answers its full queue cannot take are dropped and counted, and everyone else is
// still answered.
TEST(DaemonLoop, ClientsThatNeverReadDoNotMuteTheControlSocket) {
  const std::string dir = std::string(CLOCKSIM_BINARY_DIR) + "/control-unread";
  std::filesystem::create_directories(dir);
  LoopParts p;
  p.cfg.control = dir + "/n.sock";
  ::unlink(p.cfg.control.c_str());
  DaemonLoop loop(p.cfg, std::make_unique<Probe>(), p.clock, nullptr, p.log);
  ASSERT_EQ(loop.open(), std::nullopt);
  std::thread t([&] { loop.run(); });
  sockaddr_un to{};
  to.sun_family = AF_UNIX;
  std::memcpy(to.sun_path, p.cfg.control.c_str(), p.cfg.control.size() + 1);
  // Far more unread answers than the daemon's send buffer (about 200 KiB) would hold.
  std::vector<int> idle;
  for (int c = 0; c < 40; ++c) {
    const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un self{};
    self.sun_family = AF_UNIX;
    ASSERT_EQ(::bind(fd, reinterpret_cast<const sockaddr*>(&self), sizeof(sa_family_t)), 0);  // autobind
    for (int k = 0; k < 15; ++k) {
      ASSERT_EQ(::sendto(fd, "status", 6, 0, reinterpret_cast<const sockaddr*>(&to), sizeof to), 6);
    }
    idle.push_back(fd);
  }
  nlohmann::json last;
  for (int k = 0; k < 3; ++k) {
    auto r = query_status(p.cfg.control, 3000);
    ASSERT_TRUE(std::holds_alternative<nlohmann::json>(r)) << std::get<std::string>(r);
    last = std::get<nlohmann::json>(r);
  }
  EXPECT_GT(last["counters"]["status_send_failed"].get<std::uint64_t>(), 0u);
  for (int fd : idle) ::close(fd);
  loop.request_stop();
  t.join();
}

// A cluster whose status does not fit in the usual 8192-byte padding is still readable over UDP:
// the rest comes in further pages.
TEST(DaemonLoop, ALargeClustersStatusIsReadableOverUdp) {
  LoopParts p;
  auto& [host, clock, log, cfg] = p;
  cfg.status = "127.0.0.1:0";
  for (NodeId id = 2; id < 302; ++id) cfg.peers.push_back({id, "127.0.0.1:" + std::to_string(20000 + id)});
  DaemonLoop loop(cfg, std::make_unique<Probe>(), clock, nullptr, log);
  ASSERT_EQ(loop.open(), std::nullopt);
  ASSERT_GT(loop.status_json().dump().size(), ControlSocket::kUdpRequestSize);
  std::thread t([&] { loop.run(); });
  auto r = query_status("127.0.0.1:" + std::to_string(loop.status_port()), 3000);
  loop.request_stop();
  t.join();
  ASSERT_TRUE(std::holds_alternative<nlohmann::json>(r)) << std::get<std::string>(r);
  EXPECT_EQ(std::get<nlohmann::json>(r)["peers"].size(), 300u);
}

// A cluster of 3000 members: its status answer is far past the largest datagram. Over the Unix
// control socket and over UDP it comes in pages, each within its datagram, and clocksyncctl's
// client puts together the whole of it: every member in `peers` and in the key maps.
TEST(DaemonLoop, AThreeThousandMemberClustersStatusComesWholeInPages) {
  const std::string dir = std::string(CLOCKSIM_BINARY_DIR) + "/status-pages";
  std::filesystem::create_directories(dir);
  LoopParts p;
  auto& [host, clock, log, cfg] = p;
  cfg.status = "127.0.0.1:0";
  cfg.control = dir + "/n.sock";
  ::unlink(cfg.control.c_str());
  for (NodeId id = 2; id < 3002; ++id) cfg.peers.push_back({id, "127.0.0.1:" + std::to_string(20000 + id)});
  const auto keys = wire::Keyring::shared(wire::ClusterKey(std::vector<std::uint8_t>(32, 7)));
  DaemonLoop loop(cfg, std::make_unique<Probe>(), clock, &keys, log);
  ASSERT_EQ(loop.open(), std::nullopt);
  const nlohmann::json whole = loop.status_json();
  ASSERT_GT(whole.dump().size(), ControlSocket::kMaxReplyBytes);
  std::thread t([&] { loop.run(); });
  const auto unix_answer = query_status(cfg.control, 3000);
  const auto udp_answer = query_status("127.0.0.1:" + std::to_string(loop.status_port()), 3000);
  // One plain request, as a client that does not page sends it: the first page, within the
  // request's 8192 bytes, saying that more follows.
  const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(loop.status_port());
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::vector<char> request(ControlSocket::kUdpRequestSize, 0);
  std::memcpy(request.data(), "status", 6);
  ASSERT_EQ(::sendto(fd, request.data(), request.size(), 0, reinterpret_cast<const sockaddr*>(&to), sizeof to),
            static_cast<ssize_t>(request.size()));
  pollfd pfd{fd, POLLIN, 0};
  ASSERT_EQ(::poll(&pfd, 1, 3000), 1);
  std::vector<char> buf(70000);
  const ssize_t n = ::recv(fd, buf.data(), buf.size(), 0);
  ::close(fd);
  loop.request_stop();
  t.join();
  ASSERT_GT(n, 0);
  EXPECT_LE(static_cast<std::size_t>(n), ControlSocket::kUdpRequestSize);
  const auto first = nlohmann::json::parse(buf.data(), buf.data() + n);
  EXPECT_EQ(first["page"]["peers_total"], 3000);
  EXPECT_EQ(first["page"]["peers_next"], first["peers"].size());
  for (const auto* answer : {&unix_answer, &udp_answer}) {
    ASSERT_TRUE(std::holds_alternative<nlohmann::json>(*answer)) << std::get<std::string>(*answer);
    const auto& j = std::get<nlohmann::json>(*answer);
    EXPECT_EQ(j["peers"], whole["peers"]);
    EXPECT_EQ(j["keys"]["signing_key_ids"], whole["keys"]["signing_key_ids"]);
    EXPECT_EQ(j["keys"]["accepted_key_ids"], whole["keys"]["accepted_key_ids"]);
    EXPECT_FALSE(j.contains("page"));
  }
}

// A reload (SIGHUP) takes a new keyring only when it covers every peer; otherwise, and on a node
// without keys, the keys in use stay and the status report says why.
TEST(DaemonLoop, AReloadTakesOnlyAKeyringThatCoversEveryPeer) {
  LoopParts p;
  auto& [host, clock, log, cfg] = p;
  cfg.peers = {{2, "127.0.0.1:7000"}, {3, "127.0.0.1:7001"}};
  auto ring_of = [](const std::string& text) { return std::get<node::wire::Keyring>(node::wire::parse_keyring_text(text, "t")); };
  const node::wire::Keyring start = ring_of(node::wire::pairwise_keyrings({1, 2, 3}, 1)[0]);
  DaemonLoop loop(cfg, std::make_unique<Probe>(), clock, &start, log);
  ASSERT_EQ(loop.open(), std::nullopt);
  EXPECT_EQ(loop.status_json()["keys"]["signing_key_ids"], (nlohmann::json{{"2", 1}, {"3", 1}}));

  std::variant<node::wire::Keyring, std::string> next = ring_of(node::wire::pairwise_keyrings({1, 2}, 5)[0]);
  loop.set_key_loader([&next] { return next; });
  auto refused = loop.reload_keys();
  ASSERT_TRUE(refused);
  EXPECT_EQ(*refused, "peer 3 has no key in the new key file");
  next = std::string("k.keys: permissions 0644 are too open");
  EXPECT_EQ(loop.reload_keys(), std::optional<std::string>("k.keys: permissions 0644 are too open"));
  nlohmann::json keys = loop.status_json()["keys"];
  EXPECT_EQ(keys["signing_key_ids"], (nlohmann::json{{"2", 1}, {"3", 1}}));
  EXPECT_EQ(keys["reloads"], 0);
  EXPECT_EQ(keys["reloads_refused"], 2);
  EXPECT_EQ(keys["last_reload_error"], "k.keys: permissions 0644 are too open");

  // A rotation's first step: id 2 accept-only is accepted, and id 1 still signs.
  const std::string first = node::wire::pairwise_keyrings({1, 2, 3}, 1)[0];
  const std::string second = node::wire::pairwise_keyrings({1, 2, 3}, 2, /*accept_only=*/true)[0];
  next = ring_of(first + second);
  EXPECT_EQ(loop.reload_keys(), std::nullopt);
  keys = loop.status_json()["keys"];
  EXPECT_EQ(keys["signing_key_ids"], (nlohmann::json{{"2", 1}, {"3", 1}}));
  EXPECT_EQ(keys["accepted_key_ids"], (nlohmann::json{{"2", {1, 2}}, {"3", {1, 2}}}));
  EXPECT_EQ(keys["reloads"], 1);
  EXPECT_TRUE(keys["last_reload_error"].is_null());
  // The second: id 2 signs.
  next = ring_of(first + node::wire::activate_key_id(second, 2));
  EXPECT_EQ(loop.reload_keys(), std::nullopt);
  keys = loop.status_json()["keys"];
  EXPECT_EQ(keys["signing_key_ids"], (nlohmann::json{{"2", 2}, {"3", 2}}));
  EXPECT_EQ(keys["reloads"], 2);
  // A file whose only key for a peer is accept-only leaves nothing to sign with: refused.
  next = ring_of(node::wire::pairwise_keyrings({1, 2, 3}, 3, /*accept_only=*/true)[0]);
  refused = loop.reload_keys();
  ASSERT_TRUE(refused);
  EXPECT_NE(refused->find("peer 2 has only accept-only keys in the new key file"), std::string::npos) << *refused;
  EXPECT_EQ(loop.status_json()["keys"]["signing_key_ids"], (nlohmann::json{{"2", 2}, {"3", 2}}));

  // The same rule at start-up: a key file without a key for a peer does not open.
  const node::wire::Keyring partial = ring_of(node::wire::pairwise_keyrings({1, 2}, 1)[0]);
  DaemonLoop short_of_keys(cfg, std::make_unique<Probe>(), clock, &partial, log);
  EXPECT_EQ(short_of_keys.open(), std::optional<std::string>("peer 3 has no key in the key file"));

  // Insecure: nothing to reload.
  cfg.listen = "127.0.0.1:0";
  DaemonLoop insecure(cfg, std::make_unique<Probe>(), clock, nullptr, log);
  ASSERT_EQ(insecure.open(), std::nullopt);
  auto none = insecure.reload_keys();
  ASSERT_TRUE(none);
  EXPECT_NE(none->find("--insecure"), std::string::npos);
  EXPECT_TRUE(insecure.status_json()["keys"].is_null());
}

// A refused reload's message may quote bytes that are not UTF-8 (a Latin-1 directory name, a typo
// in the key file). The status report carries that message; the answer must still go out, with
// each such byte replaced, and the loop must go on.
TEST(DaemonLoop, StatusAnswersWhenTheLastReloadErrorIsNotUtf8) {
  LoopParts p;
  auto& [host, clock, log, cfg] = p;
  cfg.status = "127.0.0.1:0";
  cfg.peers = {{2, "127.0.0.1:7000"}};
  const node::wire::Keyring start =
      std::get<node::wire::Keyring>(node::wire::parse_keyring_text(node::wire::pairwise_keyrings({1, 2}, 1)[0], "t"));
  DaemonLoop loop(cfg, std::make_unique<Probe>(), clock, &start, log);
  ASSERT_EQ(loop.open(), std::nullopt);
  loop.set_key_loader([] { return std::variant<node::wire::Keyring, std::string>(std::string("/etc/cl\xe9s/node1.keys: permissions 0644 are too open")); });
  ASSERT_TRUE(loop.reload_keys());
  std::thread t([&] { loop.run(); });
  const std::string status = "127.0.0.1:" + std::to_string(loop.status_port());
  for (int i = 0; i < 2; ++i) {
    auto r = query_status(status, 3000);
    ASSERT_TRUE(std::holds_alternative<nlohmann::json>(r)) << std::get<std::string>(r);
    EXPECT_EQ(std::get<nlohmann::json>(r)["keys"]["last_reload_error"],
              "/etc/cl\xef\xbf\xbds/node1.keys: permissions 0644 are too open");
  }
  loop.request_stop();
  t.join();
}

}  // namespace
}  // namespace clocksim::daemon
