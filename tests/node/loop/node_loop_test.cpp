// The node loop as a deterministic simulation: a scripted time source, a virtual clock over it, a
// recording transport and the daemon's own TimerTable. No socket, no thread, no sleep: every test
// runs in microseconds and the hostile-packet test runs thousands of seeded cases. Packets from
// the peers are made with the wire codec directly, so that a test can forge every field.
#include "node/loop/node_loop.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "algorithms/core/rng.hpp"
#include "node/clock/virtual_clock.hpp"
#include "node/loop/timer_table.hpp"
#include "node/wire/channel.hpp"
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
  static constexpr std::uint64_t kPeerEpoch = 7'000;  // node 2's and node 3's start-up epochs

  NodeLoopTest() { make_loop(); }

  void make_loop() {
    auto probe = std::make_unique<testing::Probe>();
    probe_ = probe.get();
    auto members = std::make_shared<const std::vector<NodeId>>(std::vector<NodeId>{1, 2, 3});
    loop_ = std::make_unique<NodeLoop>(NodeLoopConfig{1, members, kCluster, "probe", "none", ClockGuardConfig{}, 0}, std::move(probe),
                                       NodeLoopHost{clock_, time_, transport_, timers_, log_, nullptr}, &keys_);
  }
  // As if the start-up hello exchange with both peers had completed.
  void know_peers() {
    loop_->learn_peer_epoch(2, kPeerEpoch);
    loop_->learn_peer_epoch(3, kPeerEpoch);
  }

  // Advances the scripted time and fires what fell due, as the daemon's poll loop does.
  void advance(Duration d) {
    time_.advance_ns(d.ns());
    while (auto id = timers_.pop_due(MonoTime::from_ns(time_.mono_ns))) loop_->on_timer(*id);
  }
  // A packet from `sender` to node 1, every envelope field at the test's choice.
  struct Forge {
    NodeId sender = 2;
    NodeId receiver = 1;
    std::uint64_t counter = 1;
    std::uint64_t sender_epoch = kPeerEpoch;
    std::optional<std::uint64_t> receiver_epoch;  // default: the loop's own
    std::uint32_t cluster = kCluster;
    const wire::ClusterKey* key = nullptr;        // default: the cluster's
    wire::PacketKind kind = wire::PacketKind::kMessage;
  };
  std::vector<std::uint8_t> packet(MsgType type, Forge f) {
    Message m = make_message(type, 77);
    m.value_ns = 1'000'000;
    wire::Envelope env;
    env.cluster = f.cluster;
    env.sender = f.sender;
    env.receiver = f.receiver;
    env.sender_epoch = f.sender_epoch;
    env.receiver_epoch = f.receiver_epoch.value_or(loop_->epoch());
    env.counter = f.counter;
    env.kind = f.kind;
    const auto p = wire::encode(env, m, f.key ? f.key : &key_);
    return {p.bytes.begin(), p.bytes.begin() + static_cast<long>(p.size)};
  }
  std::vector<std::uint8_t> packet(MsgType type, std::uint64_t counter) {
    Forge f;
    f.counter = counter;
    return packet(type, f);
  }
  void deliver(const std::vector<std::uint8_t>& bytes) { loop_->on_datagram(bytes); }
  // What node `to` (with the cluster key) reads in the i-th datagram sent.
  wire::Decoded decode_sent(std::size_t i) {
    const Sent& s = transport_.sent.at(i);
    auto r = wire::decode(s.bytes, kCluster, s.to, &keys_);
    EXPECT_TRUE(r.ok()) << wire::drop_reason_name(r.reason);
    return r.ok() ? *r.packet : wire::Decoded{};
  }
  std::uint64_t dropped(wire::DropReason r) const { return loop_->counters().dropped[static_cast<std::size_t>(r)]; }

  testing::FakeTimeSource time_;
  VirtualClock clock_{VirtualClockParams{100, 5_ms, 500}, time_};
  RecordingTransport transport_;
  TimerTable timers_;
  Logger log_{nullptr};
  wire::ClusterKey key_{std::vector<std::uint8_t>(32, 0x42)};
  wire::Keyring keys_ = wire::Keyring::shared(key_);
  testing::Probe* probe_ = nullptr;
  std::unique_ptr<NodeLoop> loop_;
};

TEST_F(NodeLoopTest, TimerFiresOnTheClocksSpanAndBroadcastGoesToEveryOtherMemberAuthenticated) {
  know_peers();
  loop_->start();
  EXPECT_TRUE(transport_.sent.empty()) << "both peers' epochs are known: no hello";
  ASSERT_TRUE(timers_.next_deadline());
  // 20 ms of a clock 100 ppm fast: 19.998 ms of monotonic time, rounded up.
  EXPECT_EQ(*timers_.next_deadline() - MonoTime::from_ns(time_.mono_ns), Duration::from_ns(19'998'001));
  advance(19'998_us);
  EXPECT_TRUE(transport_.sent.empty());
  advance(1_us);
  ASSERT_EQ(transport_.sent.size(), 2u);
  EXPECT_EQ(transport_.sent[0].to, 2u);
  EXPECT_EQ(transport_.sent[1].to, 3u);
  const auto d = decode_sent(0);
  EXPECT_EQ(d.envelope.sender, 1u);
  EXPECT_EQ(d.envelope.receiver, 2u);
  EXPECT_EQ(d.message.type, MsgType::kHeartbeat);
  EXPECT_EQ(d.message.seq, 7u);
  // This run's epoch is the wall clock at start; the receiver's is the one learnt; counters per
  // receiver from 1.
  EXPECT_EQ(d.envelope.sender_epoch, static_cast<std::uint64_t>(time_.real_ns - 19'999'000));
  EXPECT_EQ(d.envelope.sender_epoch, loop_->epoch());
  EXPECT_EQ(d.envelope.receiver_epoch, kPeerEpoch);
  EXPECT_EQ(d.envelope.counter, 1u);
  EXPECT_EQ(decode_sent(1).envelope.counter, 1u);
  const auto s = loop_->status_json(nlohmann::json::array());
  EXPECT_EQ(s["counters"]["timers_fired"], 1);
  EXPECT_EQ(s["counters"]["packets_out"], 2);
  EXPECT_EQ(s["counters"]["hellos_out"], 0);
  EXPECT_EQ(s["clock"]["backend"], "virtual");
}

// A peer whose epoch is unknown is asked at start; its hello completes the exchange, and the
// next message to it carries its epoch, so that its own channel accepts it.
TEST_F(NodeLoopTest, StartAsksOnlyPeersWithUnknownEpochsAndTheirHelloCompletesTheExchange) {
  loop_->learn_peer_epoch(2, kPeerEpoch);
  loop_->start();
  ASSERT_EQ(transport_.sent.size(), 1u);
  EXPECT_EQ(transport_.sent[0].to, 3u);
  wire::ChannelConfig peer3;
  peer3.cluster = kCluster;
  peer3.self = 3;
  peer3.peers = {1, 2};
  peer3.epoch = kPeerEpoch;
  wire::Channel three(peer3, &keys_);
  const wire::Channel::Opened asked = three.open(transport_.sent[0].bytes, MonoTime::from_ns(0));
  ASSERT_TRUE(asked.dropped);  // a hello request echoes no epoch of node 3's: stale, answered
  ASSERT_TRUE(asked.reply);
  deliver({asked.reply->bytes.begin(), asked.reply->bytes.begin() + static_cast<long>(asked.reply->size)});
  EXPECT_EQ(loop_->counters().hellos_in, 1u);
  EXPECT_EQ(loop_->counters().packets_accepted, 0u);  // a hello is not delivered
  advance(20_ms);
  ASSERT_EQ(transport_.sent.size(), 3u);
  ASSERT_EQ(transport_.sent[2].to, 3u);
  const wire::Channel::Opened heartbeat = three.open(transport_.sent[2].bytes, MonoTime::from_ns(1));
  ASSERT_TRUE(heartbeat.deliver);
  EXPECT_EQ(heartbeat.deliver->message.type, MsgType::kHeartbeat);
}

TEST_F(NodeLoopTest, DeliversAuthenticPacketsAppliesClockEffectsAndTracksTheRole) {
  know_peers();
  loop_->start();
  deliver(packet(MsgType::kAdjust, 1));
  deliver(packet(MsgType::kMasterUp, 2));
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

TEST_F(NodeLoopTest, DropsAndCountsMalformedReplayedStaleForeignAndWronglyKeyedPackets) {
  know_peers();
  loop_->start();
  const wire::ClusterKey wrong(std::vector<std::uint8_t>(32, 0x43));
  auto forge = [](auto change) {
    Forge f;
    f.counter = 500;
    change(f);
    return f;
  };
  deliver(packet(MsgType::kAdjust, 500));                                               // accepted
  deliver(packet(MsgType::kAdjust, 500));                                               // replay
  deliver(packet(MsgType::kAdjust, 400));                                               // below the window
  deliver(packet(MsgType::kAdjust, forge([](Forge& f) { f.sender_epoch = kPeerEpoch - 1; })));  // older run
  deliver(packet(MsgType::kAdjust, forge([&](Forge& f) { f.key = &wrong; })));           // bad MAC
  deliver(packet(MsgType::kAdjust, forge([](Forge& f) { f.sender = 5; })));              // not a member
  deliver(packet(MsgType::kAdjust, forge([](Forge& f) { f.sender = 1; })));              // claims to be us
  deliver(packet(MsgType::kAdjust, forge([](Forge& f) { f.receiver = 3; })));            // for another node
  deliver(packet(MsgType::kAdjust, forge([](Forge& f) { f.cluster = kCluster + 1; })));  // another cluster
  deliver(packet(MsgType::kAdjust, forge([](Forge& f) { f.receiver_epoch = 1; })));      // made before our start
  auto truncated = packet(MsgType::kAdjust, 501);
  truncated.resize(50);
  deliver(truncated);
  loop_->on_oversized_datagram();
  deliver({'h', 'e', 'l', 'l', 'o'});
  wire::Envelope env;
  env.cluster = kCluster;
  env.sender = 2;
  env.receiver = 1;
  env.sender_epoch = kPeerEpoch;
  env.receiver_epoch = loop_->epoch();
  env.counter = 502;
  const auto unauth = wire::encode(env, make_message(MsgType::kAdjust), nullptr);
  deliver({unauth.bytes.begin(), unauth.bytes.begin() + static_cast<long>(unauth.size)});
  const Counters& c = loop_->counters();
  EXPECT_EQ(dropped(wire::DropReason::kReplay), 3u);
  EXPECT_EQ(dropped(wire::DropReason::kBadMac), 1u);
  EXPECT_EQ(dropped(wire::DropReason::kUnknownSender), 2u);
  EXPECT_EQ(dropped(wire::DropReason::kWrongReceiver), 1u);
  EXPECT_EQ(dropped(wire::DropReason::kWrongCluster), 1u);
  EXPECT_EQ(dropped(wire::DropReason::kStale), 1u);
  EXPECT_EQ(dropped(wire::DropReason::kTruncated), 1u);
  EXPECT_EQ(dropped(wire::DropReason::kOversized), 1u);
  EXPECT_EQ(dropped(wire::DropReason::kBadMagic), 1u);
  EXPECT_EQ(dropped(wire::DropReason::kUnauthenticated), 1u);
  EXPECT_EQ(c.dropped_total(), 13u);
  EXPECT_EQ(c.packets_in, 14u);
  EXPECT_EQ(c.packets_accepted, 1u);
  EXPECT_EQ(c.clock_steps, 1u);  // only the authentic packet moved the clock
  EXPECT_EQ(probe_->received.size(), 1u);
  // The stale one was answered with a hello telling the peer this run's epoch.
  EXPECT_EQ(c.hellos_out, 1u);
  ASSERT_EQ(transport_.sent.size(), 1u);
  EXPECT_EQ(decode_sent(0).envelope.kind, wire::PacketKind::kHello);
}

TEST_F(NodeLoopTest, SendToSelfIsCountedNeverTransmittedAndRefusedSendsAreErrors) {
  know_peers();
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
  know_peers();
  loop_->start();
  loop_->shutdown();
  ASSERT_EQ(transport_.sent.size(), 2u);
  EXPECT_EQ(decode_sent(0).message.type, MsgType::kLeave);
  EXPECT_EQ(decode_sent(1).message.type, MsgType::kLeave);
}

// A restarted peer (a larger sender epoch) starts a fresh replay window; its earlier run's
// packets stay refused.
TEST_F(NodeLoopTest, APeerRestartStartsAFreshWindowAndRetiresItsOldRun) {
  know_peers();
  loop_->start();
  deliver(packet(MsgType::kAdjust, 100));
  Forge restarted;
  restarted.sender_epoch = kPeerEpoch + 1;
  restarted.counter = 1;
  deliver(packet(MsgType::kAdjust, restarted));
  EXPECT_EQ(loop_->counters().packets_accepted, 2u);
  deliver(packet(MsgType::kAdjust, 101));  // the old run, though its counter is new
  EXPECT_EQ(dropped(wire::DropReason::kReplay), 1u);
  EXPECT_EQ(loop_->counters().packets_accepted, 2u);
}

// The adversary: thousands of seeded mutations of authentic packets (bit flips, truncation,
// extension, replays, older runs). None may crash the loop; only an unmodified packet with a
// fresh counter reaches the algorithm; every datagram is either accepted or dropped with a reason.
TEST_F(NodeLoopTest, HostilePacketsOverThousandsOfSeedsAreDroppedAndCountedNeverApplied) {
  know_peers();
  loop_->start();
  std::uint64_t fresh = 1000;
  std::uint64_t expected_accepted = 0;
  std::uint64_t highest_accepted = 0;
  std::vector<std::vector<std::uint8_t>> accepted;
  for (std::uint64_t seed = 0; seed < 5000; ++seed) {
    SmallRng rng(derive_seed(seed, "hostile_packets"));
    const auto type = (rng() % 2) ? MsgType::kAdjust : MsgType::kMasterUp;
    auto bytes = packet(type, ++fresh);
    switch (rng() % 6) {
      case 0: {  // flip 1..8 random bits
        const int flips = 1 + static_cast<int>(rng() % 8);
        const auto original = bytes;
        for (int i = 0; i < flips; ++i) bytes[rng() % bytes.size()] ^= static_cast<std::uint8_t>(1u << (rng() % 8));
        if (bytes == original) bytes[0] ^= 1;  // flips that cancelled out: still a mutation
        break;
      }
      case 1: bytes.resize(rng() % bytes.size()); break;
      case 2: bytes.push_back(static_cast<std::uint8_t>(rng())); break;
      case 3:  // a replay of an accepted packet, or an unseen counter below the window
        if (accepted.empty()) {
          bytes.resize(bytes.size() / 2);
        } else if (rng() % 2) {
          bytes = packet(type, highest_accepted - 64 - rng() % 64);
        } else {
          bytes = accepted[rng() % accepted.size()];
        }
        break;
      case 4: {  // an older run of the peer, authentic and with a fresh counter
        Forge f;
        f.counter = fresh;
        f.sender_epoch = kPeerEpoch - 1 - rng() % 10;
        bytes = packet(type, f);
        break;
      }
      case 5:  // authentic: accepted once, then the same bytes again are a replay
        deliver(bytes);
        ++expected_accepted;
        highest_accepted = fresh;
        accepted.push_back(bytes);
        break;
    }
    deliver(bytes);
  }
  const Counters& c = loop_->counters();
  EXPECT_EQ(c.packets_accepted, expected_accepted);
  EXPECT_EQ(c.packets_in, c.packets_accepted + c.dropped_total());
  EXPECT_EQ(probe_->received.size(), expected_accepted);
  EXPECT_GT(dropped(wire::DropReason::kReplay), 1000u);
  EXPECT_GT(expected_accepted, 500u);
}

}  // namespace
}  // namespace clocksim::node
