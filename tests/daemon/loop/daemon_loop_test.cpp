// The event loop in-process, against a scripted algorithm and a fake peer socket on 127.0.0.1.
#include "daemon/loop/daemon_loop.hpp"

#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>

#include <thread>

#include "daemon/clock/host_time_source.hpp"
#include "node/clock/virtual_clock.hpp"
#include "daemon/loop/status_client.hpp"

namespace clocksim::daemon {
namespace {

using namespace clocksim::literals;

// Records what it is given; answers with effects the test can observe from outside.
class Probe final : public Algorithm {
 public:
  void on_start(LocalTime, Effects& out) override { out.set_timer(7, 20_ms); }
  void on_message(LocalTime, NodeId from, const Message& msg, Effects& out) override {
    received.emplace_back(from, msg);
    if (msg.type == MsgType::kAdjust) out.adjust_clock(Duration::from_ns(msg.value_ns), AdjustMode::kStep);
    if (msg.type == MsgType::kMasterUp) role_ = Role::kMaster;
  }
  void on_timer(LocalTime now, TimerId id, Effects& out) override {
    Message m = make_message(MsgType::kHeartbeat, id);
    m.t1_ns = now.ns();
    out.broadcast(m);
  }
  void on_shutdown(LocalTime, Effects& out) override { out.broadcast(make_message(MsgType::kLeave)); }
  Role role() const override { return role_; }
  std::vector<std::pair<NodeId, Message>> received;
  Role role_ = Role::kSlave;
};

std::vector<std::uint8_t> bytes_of(const node::wire::Packet& p) { return {p.bytes.begin(), p.bytes.begin() + static_cast<long>(p.size)}; }

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
    clock_ = std::make_unique<node::VirtualClock>(node::VirtualClockParams{100, 5_ms, 500}, host_);
    loop_ = std::make_unique<DaemonLoop>(cfg, std::move(probe), *clock_, &key_, log_);
    ASSERT_EQ(loop_->open(), std::nullopt);
    daemon_addr_ = std::get<Endpoint>(parse_endpoint("127.0.0.1:" + std::to_string(loop_->listen_port()))).addr;
    status_ = "127.0.0.1:" + std::to_string(loop_->status_port());
    thread_ = std::thread([this] { loop_->run(); });
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
  std::vector<std::uint8_t> packet(MsgType type, std::uint64_t sender_seq, NodeId sender = 2,
                                   const node::wire::ClusterKey* key = nullptr) {
    Message m = make_message(type, 77);
    m.value_ns = 1'000'000;
    return bytes_of(node::wire::encode({kCluster, sender, sender_seq}, m, key ? key : &key_));
  }
  // Next datagram the peer receives, decoded with the cluster key.
  std::optional<node::wire::Decoded> receive(int timeout_ms) {
    pollfd pfd{peer_.fd(), POLLIN, 0};
    if (::poll(&pfd, 1, timeout_ms) <= 0) return std::nullopt;
    std::array<std::uint8_t, 2048> buf{};
    const ssize_t n = ::recv(peer_.fd(), buf.data(), buf.size(), 0);
    auto r = node::wire::decode({buf.data(), static_cast<std::size_t>(n)}, kCluster, &key_);
    EXPECT_TRUE(r.ok()) << node::wire::drop_reason_name(r.reason);
    return r.packet;
  }
  nlohmann::json status() {
    auto s = query_status(status_, 2000);
    EXPECT_TRUE(std::holds_alternative<nlohmann::json>(s)) << std::get<std::string>(s);
    return std::get<nlohmann::json>(s);
  }
  // Waits until the daemon has counted `n` incoming datagrams (they are handled in order).
  nlohmann::json wait_packets_in(std::uint64_t n) {
    for (int i = 0; i < 200; ++i) {
      auto s = status();
      if (s["counters"]["packets_in"].get<std::uint64_t>() >= n) return s;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    ADD_FAILURE() << "daemon did not receive " << n << " packets";
    return status();
  }

  HostTimeSource host_;
  node::wire::ClusterKey key_{std::vector<std::uint8_t>(32, 0x42)};
  node::Logger log_{nullptr};
  UdpSocket peer_;
  Probe* probe_ = nullptr;
  std::unique_ptr<node::VirtualClock> clock_;
  std::unique_ptr<DaemonLoop> loop_;
  sockaddr_in daemon_addr_{};
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
  EXPECT_EQ(s["counters"]["packets_out"], 2);  // broadcast: both configured peers
  EXPECT_EQ(s["id"], 1);
  EXPECT_EQ(s["role"], "slave");
  EXPECT_EQ(s["auth"], "hmac-sha256");
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
  const node::wire::ClusterKey wrong(std::vector<std::uint8_t>(32, 0x43));
  send_raw(packet(MsgType::kAdjust, 500));                      // accepted
  send_raw(packet(MsgType::kAdjust, 500));                      // replay
  send_raw(packet(MsgType::kAdjust, 400));                      // too old for the window
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
  auto unauthenticated = bytes_of(node::wire::encode({kCluster, 2, 506}, make_message(MsgType::kAdjust), nullptr));
  send_raw(unauthenticated);
  auto s = wait_packets_in(11);
  const auto& d = s["counters"]["dropped"];
  EXPECT_EQ(d["replay"], 2);
  EXPECT_EQ(d["bad_mac"], 1);
  EXPECT_EQ(d["unknown_sender"], 2);
  EXPECT_EQ(d["truncated"], 1);
  EXPECT_EQ(d["oversized"], 1);
  EXPECT_EQ(d["bad_magic"], 1);
  EXPECT_EQ(d["unknown_type"], 1);
  EXPECT_EQ(d["unauthenticated"], 1);
  EXPECT_EQ(s["counters"]["dropped_total"], 10);
  EXPECT_EQ(s["counters"]["packets_accepted"], 1);
  EXPECT_EQ(s["counters"]["clock_steps"], 1);  // only the authentic packet moved the clock
  stop();
  EXPECT_EQ(probe_->received.size(), 1u);
}

TEST_F(LoopFixture, ShutdownFlushesTheAlgorithmsGoodbye) {
  ASSERT_TRUE(receive(2000));  // the timer's heartbeat
  stop();
  auto got = receive(2000);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->message.type, MsgType::kLeave);
}

TEST(DaemonLoop, OpenReportsBadAddressesAndDuplicatePeers) {
  HostTimeSource host;
  node::VirtualClock clock({}, host);
  node::Logger log(nullptr);
  LoopConfig cfg;
  cfg.self = 1;
  cfg.listen = "127.0.0.1:0";
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

}  // namespace
}  // namespace clocksim::daemon
