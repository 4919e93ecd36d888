// The node loop as a deterministic simulation: a scripted time source, a virtual clock over it, a
// recording transport and the daemon's own TimerTable. No socket, no thread, no sleep: every test
// runs in microseconds and the hostile-packet test runs thousands of seeded cases.
#include "node/loop/node_loop.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "algorithms/core/rng.hpp"
#include "node/clock/virtual_clock.hpp"
#include "node/loop/timer_table.hpp"
#include "tests/node/clock/fake_time_source.hpp"
#include "tests/node/loop/probe_algorithm.hpp"

namespace clocksim::node {
namespace {

using namespace clocksim::literals;

struct Sent {
  NodeId to;
  std::vector<std::uint8_t> bytes;
};

class RecordingTransport final : public DatagramTransport {
 public:
  bool send_datagram(NodeId to, std::span<const std::uint8_t> bytes, const Message&) override {
    sent.push_back({to, {bytes.begin(), bytes.end()}});
    return to != refuse_to;
  }
  std::vector<Sent> sent;
  NodeId refuse_to = kNoNode;
};

class NodeLoopTest : public ::testing::Test {
 protected:
  static constexpr std::uint32_t kCluster = 9;

  NodeLoopTest() {
    auto probe = std::make_unique<testing::Probe>();
    probe_ = probe.get();
    auto members = std::make_shared<const std::vector<NodeId>>(std::vector<NodeId>{1, 2, 3});
    loop_ = std::make_unique<NodeLoop>(NodeLoopConfig{1, members, kCluster, "probe", "none"}, std::move(probe),
                                       NodeLoopHost{clock_, time_, transport_, timers_, log_, nullptr}, &key_);
  }

  // Advances the scripted time and fires what fell due, as the daemon's poll loop does.
  void advance(Duration d) {
    time_.advance_ns(d.ns());
    while (auto id = timers_.pop_due(time_.mono_ns)) loop_->on_timer(*id);
  }
  std::vector<std::uint8_t> packet(MsgType type, std::uint64_t seq, NodeId sender = 2,
                                   const wire::ClusterKey* key = nullptr) {
    Message m = make_message(type, 77);
    m.value_ns = 1'000'000;
    const auto p = wire::encode({kCluster, sender, seq}, m, key ? key : &key_);
    return {p.bytes.begin(), p.bytes.begin() + static_cast<long>(p.size)};
  }
  void deliver(const std::vector<std::uint8_t>& bytes) { loop_->on_datagram(bytes); }
  wire::Decoded decode_sent(std::size_t i) {
    auto r = wire::decode(transport_.sent.at(i).bytes, kCluster, &key_);
    EXPECT_TRUE(r.ok()) << wire::drop_reason_name(r.reason);
    return *r.packet;
  }

  testing::FakeTimeSource time_;
  VirtualClock clock_{VirtualClockParams{100, 5_ms, 500}, time_};
  RecordingTransport transport_;
  TimerTable timers_;
  Logger log_{nullptr};
  wire::ClusterKey key_{std::vector<std::uint8_t>(32, 0x42)};
  testing::Probe* probe_ = nullptr;
  std::unique_ptr<NodeLoop> loop_;
};

TEST_F(NodeLoopTest, TimerFiresOnTheClocksSpanAndBroadcastGoesToEveryOtherMemberAuthenticated) {
  loop_->start();
  ASSERT_TRUE(timers_.next_deadline());
  // 20 ms of a clock 100 ppm fast: 19.998 ms of monotonic time, rounded up.
  EXPECT_EQ(*timers_.next_deadline() - time_.mono_ns, 19'998'001);
  advance(19'998_us);
  EXPECT_TRUE(transport_.sent.empty());
  advance(1_us);
  ASSERT_EQ(transport_.sent.size(), 2u);
  EXPECT_EQ(transport_.sent[0].to, 2u);
  EXPECT_EQ(transport_.sent[1].to, 3u);
  const auto d = decode_sent(0);
  EXPECT_EQ(d.envelope.sender, 1u);
  EXPECT_EQ(d.message.type, MsgType::kHeartbeat);
  EXPECT_EQ(d.message.seq, 7u);
  // Per-destination sequence numbers, from the wall clock at start.
  EXPECT_EQ(d.envelope.sender_seq, static_cast<std::uint64_t>(time_.real_ns - 20'000'000 + 1'000));
  EXPECT_EQ(decode_sent(1).envelope.sender_seq, d.envelope.sender_seq);
  const auto s = loop_->status_json(nlohmann::json::array());
  EXPECT_EQ(s["counters"]["timers_fired"], 1);
  EXPECT_EQ(s["counters"]["packets_out"], 2);
  EXPECT_EQ(s["auth"], "hmac-sha256");
  EXPECT_EQ(s["clock"]["backend"], "virtual");
}

TEST_F(NodeLoopTest, DeliversAuthenticPacketsAppliesClockEffectsAndTracksTheRole) {
  loop_->start();
  deliver(packet(MsgType::kAdjust, 100));
  deliver(packet(MsgType::kMasterUp, 101));
  const auto s = loop_->status_json(nlohmann::json::array());
  EXPECT_EQ(s["counters"]["packets_accepted"], 2);
  EXPECT_EQ(s["counters"]["clock_steps"], 1);
  EXPECT_EQ(s["clock"]["offset_ns"], 6'000'000);  // 5 ms at start + the 1 ms step, no time passed
  EXPECT_EQ(s["role"], "master");
  EXPECT_EQ(s["counters"]["role_changes"], 1);
  ASSERT_EQ(probe_->received.size(), 2u);
  EXPECT_EQ(probe_->received[0].first, 2u);
  EXPECT_EQ(probe_->received[0].second.seq, 77u);
}

TEST_F(NodeLoopTest, DropsAndCountsMalformedReplayedForeignAndWronglyKeyedPackets) {
  loop_->start();
  const wire::ClusterKey wrong(std::vector<std::uint8_t>(32, 0x43));
  deliver(packet(MsgType::kAdjust, 500));                 // accepted
  deliver(packet(MsgType::kAdjust, 500));                 // replay
  deliver(packet(MsgType::kAdjust, 400));                 // too old for the window
  deliver(packet(MsgType::kAdjust, 501, 2, &wrong));      // bad MAC
  deliver(packet(MsgType::kAdjust, 502, 5));              // not a member
  deliver(packet(MsgType::kAdjust, 503, 1));              // claims to be us
  auto truncated = packet(MsgType::kAdjust, 504);
  truncated.resize(50);
  deliver(truncated);
  loop_->on_oversized_datagram();
  deliver({'h', 'e', 'l', 'l', 'o'});
  auto unknown_type = packet(MsgType::kAdjust, 505);
  unknown_type[5] = 200;
  deliver(unknown_type);
  const auto unauth = wire::encode({kCluster, 2, 506}, make_message(MsgType::kAdjust), nullptr);
  deliver({unauth.bytes.begin(), unauth.bytes.begin() + static_cast<long>(unauth.size)});
  const Counters& c = loop_->counters();
  auto dropped = [&](wire::DropReason r) { return c.dropped[static_cast<std::size_t>(r)]; };
  EXPECT_EQ(dropped(wire::DropReason::kReplay), 2u);
  EXPECT_EQ(dropped(wire::DropReason::kBadMac), 1u);
  EXPECT_EQ(dropped(wire::DropReason::kUnknownSender), 2u);
  EXPECT_EQ(dropped(wire::DropReason::kTruncated), 1u);
  EXPECT_EQ(dropped(wire::DropReason::kOversized), 1u);
  EXPECT_EQ(dropped(wire::DropReason::kBadMagic), 1u);
  EXPECT_EQ(dropped(wire::DropReason::kUnknownType), 1u);
  EXPECT_EQ(dropped(wire::DropReason::kUnauthenticated), 1u);
  EXPECT_EQ(c.dropped_total(), 10u);
  EXPECT_EQ(c.packets_in, 11u);
  EXPECT_EQ(c.packets_accepted, 1u);
  EXPECT_EQ(c.clock_steps, 1u);  // only the authentic packet moved the clock
  EXPECT_EQ(probe_->received.size(), 1u);
}

TEST_F(NodeLoopTest, SendToSelfIsCountedNeverTransmittedAndRefusedSendsAreErrors) {
  loop_->start();
  deliver(packet(MsgType::kHeartbeat, 9));  // the probe answers to itself
  EXPECT_EQ(loop_->counters().send_to_self, 1u);
  EXPECT_EQ(loop_->counters().send_unknown_peer, 0u);
  EXPECT_TRUE(transport_.sent.empty());
  transport_.refuse_to = 3;
  advance(1_s);
  EXPECT_EQ(loop_->counters().packets_out, 1u);
  EXPECT_EQ(loop_->counters().send_errors, 1u);
}

TEST_F(NodeLoopTest, ShutdownFlushesTheAlgorithmsGoodbye) {
  loop_->start();
  loop_->shutdown();
  ASSERT_EQ(transport_.sent.size(), 2u);
  EXPECT_EQ(decode_sent(0).message.type, MsgType::kLeave);
}

// The adversary: thousands of seeded mutations of authentic packets (bit flips, truncation,
// extension, replays, other senders). None may crash the loop; only an unmodified packet with a
// fresh sequence number reaches the algorithm; every datagram is either accepted or dropped with a
// reason.
TEST_F(NodeLoopTest, HostilePacketsOverThousandsOfSeedsAreDroppedAndCountedNeverApplied) {
  loop_->start();
  std::uint64_t fresh_seq = 1000;
  std::uint64_t expected_accepted = 0;
  std::uint64_t highest_accepted = 0;
  std::vector<std::vector<std::uint8_t>> accepted;
  for (std::uint64_t seed = 0; seed < 5000; ++seed) {
    SmallRng rng(derive_seed(seed, "hostile_packets"));
    const auto type = (rng() % 2) ? MsgType::kAdjust : MsgType::kMasterUp;
    auto bytes = packet(type, ++fresh_seq);
    switch (rng() % 5) {
      case 0: {  // flip 1..8 random bits
        const int flips = 1 + static_cast<int>(rng() % 8);
        for (int i = 0; i < flips; ++i) bytes[rng() % bytes.size()] ^= static_cast<std::uint8_t>(1u << (rng() % 8));
        break;
      }
      case 1: bytes.resize(rng() % bytes.size()); break;
      case 2: bytes.push_back(static_cast<std::uint8_t>(rng())); break;
      case 3:  // a replay of an accepted packet, or an unseen number below the window
        if (accepted.empty() || rng() % 2) {
          bytes = packet(type, highest_accepted > 64 ? highest_accepted - 64 - rng() % 64 : 0);
        } else {
          bytes = accepted[rng() % accepted.size()];
        }
        break;
      case 4:  // authentic: accepted once, then the same bytes again are a replay
        deliver(bytes);
        ++expected_accepted;
        highest_accepted = fresh_seq;
        accepted.push_back(bytes);
        break;
    }
    deliver(bytes);
  }
  const Counters& c = loop_->counters();
  EXPECT_EQ(c.packets_accepted, expected_accepted);
  EXPECT_EQ(c.packets_in, c.packets_accepted + c.dropped_total());
  EXPECT_EQ(probe_->received.size(), expected_accepted);
  EXPECT_GT(c.dropped[static_cast<std::size_t>(wire::DropReason::kReplay)], 1000u);
}

}  // namespace
}  // namespace clocksim::node
