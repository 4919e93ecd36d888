#include "algorithms/election/common/ack_sender.hpp"

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "algorithms/core/layers.hpp"
#include "algorithms/core/rng.hpp"

namespace clocksim::election {
namespace {

using namespace clocksim::literals;

constexpr std::uint32_t kBase = 0x10000;

AckSender::Outgoing item(std::uint32_t seq, NodeId to = 2) {
  AckSender::Outgoing o;
  o.to = to;
  o.msg = make_message(MsgType::kRingElection, seq);
  o.expect = MsgType::kElectionAck;
  o.max_sends = 3;
  return o;
}

// The timer armed (not cancelled) by `out`, if one.
std::optional<TimerId> armed(const Effects& out) {
  for (const auto& t : out.timers()) {
    if (!t.cancel) return t.id;
  }
  return std::nullopt;
}

TEST(AckSender, SeqsThatShareATimerSlotGetTimersOfTheirOwn) {
  AckSender acks(kElectionTimerPart, kBase, 100_ms);
  Effects a, b;
  acks.start(item(5), Duration::zero(), a);
  acks.start(item(5 + 65536), Duration::zero(), b);
  ASSERT_TRUE(armed(a) && armed(b));
  EXPECT_NE(*armed(a), *armed(b));
  // Each timer re-sends its own message, and a reply finishes only its own.
  Effects fire_b;
  acks.on_timer(*armed(b), fire_b);
  ASSERT_EQ(fire_b.sends().size(), 1u);
  EXPECT_EQ(fire_b.sends()[0].msg.seq, 5u + 65536);
  Effects reply;
  ASSERT_TRUE(acks.on_reply(MsgType::kElectionAck, 5, reply).has_value());
  EXPECT_NE(acks.find(5 + 65536), nullptr);
  Effects fire_a;
  acks.on_timer(*armed(a), fire_a);
  EXPECT_TRUE(fire_a.sends().empty()) << "the answered message's timer is stale";
}

TEST(AckSender, TheOldestOutstandingMessageIsAbandonedBeyondTheCap) {
  AckSender acks(kElectionTimerPart, kBase, 100_ms);
  std::map<std::uint32_t, TimerId> timer_of;
  for (std::uint32_t seq = 1; seq <= AckSender::kMaxPending; ++seq) {
    Effects e;
    acks.start(item(seq), Duration::zero(), e);
    timer_of[seq] = *armed(e);
  }
  EXPECT_EQ(acks.pending(), AckSender::kMaxPending);
  Effects e;
  acks.start(item(AckSender::kMaxPending + 1), Duration::zero(), e);
  EXPECT_EQ(acks.pending(), AckSender::kMaxPending);
  EXPECT_EQ(acks.find(1), nullptr);
  bool cancelled_oldest = false;
  for (const auto& t : e.timers()) cancelled_oldest |= t.cancel && t.id == timer_of[1];
  EXPECT_TRUE(cancelled_oldest);
}

// Against a model: random starts, replies and timer expiries over seeds. Every outstanding
// message has a timer no other outstanding message has, and a timer that fires re-sends (or
// exhausts) exactly the message that armed it.
TEST(AckSender, EveryOutstandingMessageOwnsItsTimerOverRandomRuns) {
  for (std::uint64_t seed = 0; seed < 50; ++seed) {
    SmallRng rng(derive_seed(seed, "ack_sender"));
    AckSender acks(kElectionTimerPart, kBase, 100_ms);
    std::map<std::uint32_t, TimerId> timer_of;  // the model: outstanding seq -> its timer
    for (int step = 0; step < 3000; ++step) {
      const auto op = rng() % 3;
      if (op == 0 || timer_of.empty()) {
        // Seqs from a few residues mod 2^16, so that slots are shared often.
        const auto seq = static_cast<std::uint32_t>((rng() % 4) * 65536 + rng() % 8 + 1);
        Effects e;
        acks.start(item(seq), Duration::zero(), e);
        ASSERT_TRUE(armed(e).has_value());
        timer_of[seq] = *armed(e);
      } else {
        auto it = timer_of.begin();
        std::advance(it, static_cast<long>(rng() % timer_of.size()));
        const std::uint32_t seq = it->first;
        Effects e;
        if (op == 1) {
          ASSERT_TRUE(acks.on_reply(MsgType::kElectionAck, seq, e).has_value());
          timer_of.erase(it);
        } else {
          const AckSender::TimerResult r = acks.on_timer(it->second, e);
          if (r.outcome == AckSender::Outcome::kExhausted) {
            EXPECT_EQ(r.item.msg.seq, seq);
            timer_of.erase(it);
          } else {
            ASSERT_EQ(e.sends().size(), 1u);
            EXPECT_EQ(e.sends()[0].msg.seq, seq);
          }
        }
      }
      std::set<TimerId> distinct;
      for (const auto& [seq, id] : timer_of) distinct.insert(id);
      ASSERT_EQ(distinct.size(), timer_of.size()) << "seed " << seed << " step " << step;
      ASSERT_EQ(acks.pending(), timer_of.size());
    }
  }
}

}  // namespace
}  // namespace clocksim::election
