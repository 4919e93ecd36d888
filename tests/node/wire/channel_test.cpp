// Two (or three) channels talking through byte buffers: the freshness handshake, restarts on
// either side, recorded packets replayed, re-addressed and forged ones.
#include "node/wire/channel.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "node/wire/key_file.hpp"

namespace clocksim::node::wire {
namespace {

using Bytes = std::vector<std::uint8_t>;
Bytes bytes_of(const Packet& p) { return {p.bytes.begin(), p.bytes.begin() + static_cast<long>(p.size)}; }

struct Cluster {
  std::vector<Keyring> rings;
  Cluster() {
    for (const auto& text : pairwise_keyrings({1, 2, 3}, 1)) rings.push_back(std::get<Keyring>(parse_keyring_text(text, "t")));
  }
  Channel make(NodeId self, std::uint64_t epoch) {
    ChannelConfig c;
    c.cluster = 9;
    c.self = self;
    for (NodeId p : {1u, 2u, 3u}) {
      if (p != self) c.peers.insert(p);
    }
    c.epoch = epoch;
    c.hello_interval_ns = 100;
    return Channel(c, &rings[self - 1]);
  }
};

Message adjust(std::int64_t v) {
  Message m = make_message(MsgType::kAdjust, 1);
  m.value_ns = v;
  return m;
}

// Delivers `p` to `to`; a hello it answers with goes back to `from` (and so on), as a network would.
Channel::Opened deliver(Channel& to, Channel& from, const Bytes& p, std::int64_t now) {
  Channel::Opened o = to.open(p, MonoTime::from_ns(now));
  if (o.reply) from.open(bytes_of(*o.reply), MonoTime::from_ns(now));
  return o;
}

// The hello-request exchange both sides make at start-up.
void handshake(Channel& a, NodeId a_id, Channel& b, NodeId b_id, std::int64_t now) {
  deliver(b, a, bytes_of(*a.seal_hello_request(b_id)), now);
  deliver(a, b, bytes_of(*b.seal_hello_request(a_id)), now);
}

// A host that knows the start-up epochs (the simulator) lets the channels skip the handshake; the
// freshness rules still hold: a replay is refused, an older epoch stays stale, a restart is not
// learned without a hello.
TEST(Channel, LearnedEpochsMakeTheFirstMessageFreshAndKeepTheRules) {
  Cluster c;
  Channel a = c.make(1, 100), b = c.make(2, 200);
  a.learn_peer_epoch(2, 200);
  b.learn_peer_epoch(1, 100);
  EXPECT_EQ(a.known_epoch(2), 200u);
  const Bytes first = bytes_of(*a.seal(2, adjust(5)));
  const auto o = b.open(first, MonoTime::from_ns(0));
  ASSERT_TRUE(o.deliver);
  EXPECT_EQ(o.deliver->message.value_ns, 5);
  EXPECT_FALSE(o.reply);
  const auto again = b.open(first, MonoTime::from_ns(1));
  ASSERT_TRUE(again.dropped);
  EXPECT_EQ(*again.dropped, DropReason::kReplay);
  // An epoch only grows: learning an older one changes nothing.
  b.learn_peer_epoch(1, 50);
  EXPECT_EQ(b.known_epoch(1), 100u);
  // b restarts with a larger epoch that a has not learned: a's messages are stale for it.
  Channel b2 = c.make(2, 300);
  b2.learn_peer_epoch(1, 100);
  const auto stale = b2.open(bytes_of(*a.seal(2, adjust(6))), MonoTime::from_ns(2));
  ASSERT_TRUE(stale.dropped);
  EXPECT_EQ(*stale.dropped, DropReason::kStale);
  EXPECT_TRUE(stale.reply);  // the hello that tells a the new epoch
}

TEST(Channel, HandshakeThenMessagesFlowOnce) {
  Cluster c;
  Channel a = c.make(1, 100), b = c.make(2, 200);
  // Before the handshake a message is stale (b cannot tell it from a recording), and answered.
  const auto early = b.open(bytes_of(*a.seal(2, adjust(1))), MonoTime::from_ns(0));
  ASSERT_TRUE(early.dropped);
  EXPECT_EQ(*early.dropped, DropReason::kStale);
  ASSERT_TRUE(early.reply);
  EXPECT_TRUE(a.open(bytes_of(*early.reply), MonoTime::from_ns(0)).hello);  // a now knows b's epoch
  const Bytes msg = bytes_of(*a.seal(2, adjust(42)));
  const auto got = b.open(msg, MonoTime::from_ns(1));
  ASSERT_TRUE(got.deliver) << (got.dropped ? drop_reason_name(*got.dropped) : "");
  EXPECT_EQ(got.deliver->message.value_ns, 42);
  const auto again = b.open(msg, MonoTime::from_ns(2));
  ASSERT_TRUE(again.dropped);
  EXPECT_EQ(*again.dropped, DropReason::kReplay);
}

TEST(Channel, ARestartedReceiverRefusesEverythingRecordedBefore) {
  Cluster c;
  Channel a = c.make(1, 100), b = c.make(2, 200);
  handshake(a, 1, b, 2, 0);
  std::vector<Bytes> recorded;
  for (int i = 0; i < 20; ++i) recorded.push_back(bytes_of(*a.seal(2, adjust(i))));
  Channel b2 = c.make(2, 300);  // b restarts: no state kept
  int hellos = 0;
  for (std::size_t i = 0; i < recorded.size(); ++i) {
    const auto o = b2.open(recorded[i], MonoTime::from_ns(static_cast<std::int64_t>(i) * 10));
    ASSERT_TRUE(o.dropped);
    EXPECT_EQ(*o.dropped, DropReason::kStale);
    if (o.reply) {
      ++hellos;
      // The answer echoes a's current epoch, so the real a learns b2's: the recording helps nobody.
      EXPECT_TRUE(a.open(bytes_of(*o.reply), MonoTime::from_ns(0)).hello);
    }
  }
  EXPECT_LE(hellos, 2);  // rate-limited: one per 100 ns of the fake clock
  const auto fresh = b2.open(bytes_of(*a.seal(2, adjust(7))), MonoTime::from_ns(1000));
  ASSERT_TRUE(fresh.deliver);
  EXPECT_EQ(fresh.deliver->message.value_ns, 7);
}

TEST(Channel, ARestartedSenderIsAcceptedAndItsOldRunIsNot) {
  Cluster c;
  Channel a = c.make(1, 100), b = c.make(2, 200);
  handshake(a, 1, b, 2, 0);
  const Bytes old_run = bytes_of(*a.seal(2, adjust(1)));
  const Bytes old_run_unseen = bytes_of(*a.seal(2, adjust(2)));
  ASSERT_TRUE(b.open(old_run, MonoTime::from_ns(1)).deliver);
  Channel a2 = c.make(1, 150);  // a restarts (a later wall clock)
  handshake(a2, 1, b, 2, 1000);
  ASSERT_TRUE(b.open(bytes_of(*a2.seal(2, adjust(3))), MonoTime::from_ns(1001)).deliver);
  const auto o = b.open(old_run_unseen, MonoTime::from_ns(1002));  // never seen, but from a's earlier run
  ASSERT_TRUE(o.dropped);
  EXPECT_EQ(*o.dropped, DropReason::kReplay);
}

TEST(Channel, APacketForOneNodeIsWorthlessAtAnother) {
  Cluster c;
  Channel a = c.make(1, 100), b = c.make(2, 200), n3 = c.make(3, 300);
  handshake(a, 1, b, 2, 0);
  handshake(a, 1, n3, 3, 0);
  const Bytes to_b = bytes_of(*a.seal(2, adjust(5)));
  const auto at_c = n3.open(to_b, MonoTime::from_ns(1));
  ASSERT_TRUE(at_c.dropped);
  EXPECT_EQ(*at_c.dropped, DropReason::kWrongReceiver);
  // Re-addressed by flipping the receiver field: the MAC (with the 1-3 pair key) fails.
  Bytes readdressed = to_b;
  readdressed[23] = 3;
  const auto forged = n3.open(readdressed, MonoTime::from_ns(1));
  ASSERT_TRUE(forged.dropped);
  EXPECT_EQ(*forged.dropped, DropReason::kBadMac);
}

TEST(Channel, OneMemberCannotSpeakForAnother) {
  Cluster c;
  Channel a = c.make(1, 100), b = c.make(2, 200);
  handshake(a, 1, b, 2, 0);
  // Node 3 holds only its own keys; it makes a packet "from 1" to 2 with the best key it has.
  Envelope env;
  env.cluster = 9;
  env.sender = 1;
  env.receiver = 2;
  env.key_id = 1;
  env.sender_epoch = 100;
  env.receiver_epoch = 200;
  env.counter = 1'000'000;
  const ClusterKey* k32 = c.rings[2].find(2, 1);
  const auto o = b.open(bytes_of(encode(env, adjust(3'600'000'000'000), k32)), MonoTime::from_ns(1));
  ASSERT_TRUE(o.dropped);
  EXPECT_EQ(*o.dropped, DropReason::kBadMac);
  // And the real node 1 is not locked out by the forged counter.
  EXPECT_TRUE(b.open(bytes_of(*a.seal(2, adjust(1))), MonoTime::from_ns(2)).deliver);
}

TEST(Channel, HellosAreNeverAnsweredWithHellos) {
  Cluster c;
  Channel a = c.make(1, 100), b = c.make(2, 200);
  const auto o = b.open(bytes_of(*a.seal_hello_request(2)), MonoTime::from_ns(0));
  ASSERT_TRUE(o.reply);
  Channel a2 = c.make(1, 150);  // the hello reaches a restarted a: stale, and not answered
  const auto back = a2.open(bytes_of(*o.reply), MonoTime::from_ns(1));
  ASSERT_TRUE(back.dropped);
  EXPECT_EQ(*back.dropped, DropReason::kStale);
  EXPECT_FALSE(back.reply);
}

}  // namespace
}  // namespace clocksim::node::wire

namespace clocksim::node::wire {
namespace {

Keyring ring_of(const std::string& text) { return std::get<Keyring>(parse_keyring_text(text, "t")); }

Channel pair_channel(NodeId self, NodeId peer, std::uint64_t epoch, const Keyring* keys) {
  ChannelConfig c;
  c.cluster = 9;
  c.self = self;
  c.peers = {peer};
  c.epoch = epoch;
  return Channel(c, keys);
}

// A reloaded key file (SIGHUP) takes effect at the next packet, in both directions, while the
// freshness state stays: a packet recorded before the reload is still a replay after it.
TEST(Channel, ReplacedKeysTakeEffectAtTheNextPacketAndKeepTheReplayWindows) {
  const auto old_keys = pairwise_keyrings({1, 2}, 1);
  const auto new_keys = pairwise_keyrings({1, 2}, 2);
  const Keyring a_old = ring_of(old_keys[0]), b_old = ring_of(old_keys[1]);
  const Keyring a_both = ring_of(old_keys[0] + new_keys[0]), b_both = ring_of(old_keys[1] + new_keys[1]);
  const Keyring a_new = ring_of(new_keys[0]), b_new = ring_of(new_keys[1]);
  Channel a = pair_channel(1, 2, 100, &a_old), b = pair_channel(2, 1, 200, &b_old);
  a.learn_peer_epoch(2, 200);
  b.learn_peer_epoch(1, 100);
  auto open = [&b](const Bytes& p) { return b.open(p, MonoTime::from_ns(0)); };

  const Bytes recorded = bytes_of(*a.seal(2, adjust(1)));
  ASSERT_TRUE(open(recorded).deliver);

  // a reloads first: it signs with key id 2, which b does not hold yet.
  a.replace_keys(&a_both);
  const auto early = open(bytes_of(*a.seal(2, adjust(2))));
  ASSERT_TRUE(early.dropped);
  EXPECT_EQ(*early.dropped, DropReason::kUnknownKey);

  // b reloads: id 2 is accepted, and so is id 1 from a member still on the old file.
  b.replace_keys(&b_both);
  const auto fresh = open(bytes_of(*a.seal(2, adjust(3))));
  ASSERT_TRUE(fresh.deliver) << drop_reason_name(*fresh.dropped);
  EXPECT_EQ(fresh.deliver->envelope.key_id, 2u);
  EXPECT_EQ(fresh.deliver->message.value_ns, 3);
  a.replace_keys(&a_old);
  const auto late = open(bytes_of(*a.seal(2, adjust(4))));
  ASSERT_TRUE(late.deliver) << drop_reason_name(*late.dropped);
  EXPECT_EQ(late.deliver->envelope.key_id, 1u);

  // The replay window survived both reloads.
  const auto replayed = open(recorded);
  ASSERT_TRUE(replayed.dropped);
  EXPECT_EQ(*replayed.dropped, DropReason::kReplay);

  // Retired: b holds id 2 only, so the old key (a thief's copy of it) opens nothing, and b's
  // own packets go out under id 2.
  b.replace_keys(&b_new);
  const auto stolen = open(bytes_of(*a.seal(2, adjust(5))));
  ASSERT_TRUE(stolen.dropped);
  EXPECT_EQ(*stolen.dropped, DropReason::kUnknownKey);
  a.replace_keys(&a_new);
  const auto to_a = a.open(bytes_of(*b.seal(1, adjust(6))), MonoTime::from_ns(0));
  ASSERT_TRUE(to_a.deliver) << drop_reason_name(*to_a.dropped);
  EXPECT_EQ(to_a.deliver->envelope.key_id, 2u);

  // A keyed channel never becomes an insecure one by a reload, nor the reverse.
  EXPECT_THROW(b.replace_keys(nullptr), std::logic_error);
  Channel insecure = pair_channel(2, 1, 300, nullptr);
  EXPECT_THROW(insecure.replace_keys(&b_new), std::logic_error);
}

}  // namespace
}  // namespace clocksim::node::wire
