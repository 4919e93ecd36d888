#include "algorithms/cristian/cristian.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <optional>

#include "tests/algorithms/testing/note_match.hpp"

namespace clocksim::cristian {
namespace {

using namespace literals;
using clocksim::testing::note_matches;
constexpr std::int64_t kMs = 1'000'000;

std::shared_ptr<const std::vector<NodeId>> members(NodeId n) {
  auto v = std::make_shared<std::vector<NodeId>>();
  for (NodeId i = 0; i < n; ++i) v->push_back(i);
  return v;
}

const Message* sent(const Effects& out, MsgType type) {
  for (const auto& s : out.sends()) {
    if (s.msg.type == type) return &s.msg;
  }
  return nullptr;
}

// The server's reply to `req` when its clock is `offset` ahead of the client's and the request
// took `fwd` to arrive.
Message reply(const Message& req, Duration offset, Duration fwd) {
  Message r = make_message(MsgType::kTimeReply, req.seq);
  r.t1_ns = req.t1_ns;
  r.t2_ns = req.t1_ns + fwd.ns() + offset.ns();
  r.t3_ns = r.t2_ns;
  return r;
}

// bounds.md §2: round trip 4 ms, minimum delay 1 ms: error bound 2 − 1 = 1 ms, and the actual
// error (fwd − back)/2 reaches it when the delays are 1 and 3 ms.
TEST(CristianSample, MidpointAndErrorBound) {
  const auto s = cristian_sample(0, 26 * kMs, 26 * kMs, 4 * kMs, 1 * kMs);  // server +25 ms
  EXPECT_EQ(s.rtt_ns, 4 * kMs);
  EXPECT_EQ(s.correction_ns, 24 * kMs);  // 26 + 2 − 4
  EXPECT_EQ(s.error_bound_ns, 1 * kMs);
  EXPECT_LE(std::llabs(s.correction_ns - 25 * kMs), s.error_bound_ns);
  // The server's turnaround is not part of the round trip.
  const auto t = cristian_sample(0, 10 * kMs, 12 * kMs, 6 * kMs, 0);
  EXPECT_EQ(t.rtt_ns, 4 * kMs);
}

class CristianClient : public ::testing::Test {
 protected:
  CristianClient() {
    config_.probes = 3;
    config_.min_delay = 1_ms;
    client_ = std::make_unique<Cristian>(Membership{1, members(2)}, config_, 5);
    client_->on_start(now_, out_);
    client_->follow(0, now_, out_);  // what the stack does when the election names n0
  }
  // Answers the outstanding request with the given delays; nullopt forward = lost.
  void answer(Duration offset, Duration fwd, Duration back) {
    const Message req = *sent(out_, MsgType::kTimeRequest);
    out_.clear();
    now_ = now_ + fwd + back;
    client_->on_message(now_, 0, reply(req, offset, fwd), out_);
  }
  CristianConfig config_;
  std::unique_ptr<Cristian> client_;
  LocalTime now_ = LocalTime::epoch();
  Effects out_;
};

TEST_F(CristianClient, Roles) {
  EXPECT_EQ(client_->role(), Role::kClient);
  EXPECT_EQ(client_->believed_master(), 0u);
  Cristian server(Membership{0, members(2)}, config_, 5);
  Effects out;
  server.on_start(LocalTime::epoch(), out);
  server.lead(LocalTime::epoch(), out);
  EXPECT_EQ(server.role(), Role::kServer);
  EXPECT_TRUE(out.sends().empty());
  Message req = make_message(MsgType::kTimeRequest, 77);
  req.t1_ns = 5;
  server.on_message(LocalTime::from_ns(900), 1, req, out);
  const Message* r = sent(out, MsgType::kTimeReply);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->seq, 77u);
  EXPECT_EQ(r->t1_ns, 5);
  EXPECT_EQ(r->t2_ns, 900);
}

// Every node answers a time request; only the serving master's reply says the master lives. A
// client still polling a master since deposed (it missed the new one's announcement) must not
// keep its election timer running on that node's answers.
TEST_F(CristianClient, OnlyTheServingMastersReplyCountsAsMasterActivity) {
  Message req = make_message(MsgType::kTimeRequest, 3);
  Cristian server(Membership{0, members(3)}, config_, 5);
  Effects s;
  server.lead(LocalTime::epoch(), s);
  server.on_message(LocalTime::from_ns(10), 1, req, s);
  const Message served = *sent(s, MsgType::kTimeReply);
  EXPECT_NE(served.flags & kReplyFromServer, 0);
  Cristian deposed(Membership{2, members(3)}, config_, 5);
  Effects d;
  deposed.follow(0, LocalTime::epoch(), d);  // a slave now, still answering
  d.clear();
  deposed.on_message(LocalTime::from_ns(10), 1, req, d);
  const Message answered = *sent(d, MsgType::kTimeReply);
  EXPECT_EQ(answered.flags & kReplyFromServer, 0);

  EXPECT_TRUE(client_->is_master_activity(0, served));
  EXPECT_FALSE(client_->is_master_activity(0, answered));
  EXPECT_FALSE(client_->is_master_activity(2, served));  // not its server
}

TEST_F(CristianClient, KeepsTheMinimumRoundTripSample) {
  ASSERT_NE(sent(out_, MsgType::kTimeRequest), nullptr);
  answer(25_ms, 5_ms, 5_ms);  // rtt 10
  answer(25_ms, 1_ms, 3_ms);  // rtt 4: the best
  answer(25_ms, 2_ms, 2_ms);  // rtt 4 too, but not smaller: the first is kept
  ASSERT_TRUE(client_->last_sample().has_value());
  EXPECT_EQ(client_->last_sample()->rtt_ns, 4 * kMs);
  EXPECT_EQ(client_->last_sample()->correction_ns, 24 * kMs);  // 25 + (1 − 3)/2
  EXPECT_EQ(client_->last_sample()->error_bound_ns, 1 * kMs);
  ASSERT_EQ(out_.clock().size(), 1u);
  EXPECT_EQ(out_.clock()[0].delta, 24_ms);
  EXPECT_EQ(out_.clock()[0].mode, AdjustMode::kSlew);
  ASSERT_FALSE(out_.notes().empty());
  const Note& corrected = out_.notes().back();
  EXPECT_EQ(corrected.what, NoteWhat::kCorrected);
  EXPECT_EQ(corrected.value_ns, 24 * kMs);
  EXPECT_EQ(corrected.rtt_ns, 4 * kMs);
  EXPECT_EQ(corrected.error_ns, 1 * kMs);
}

TEST_F(CristianClient, LargeOffsetIsStepped) {
  answer(1_min, 1_ms, 1_ms);
  answer(1_min, 1_ms, 1_ms);
  answer(1_min, 1_ms, 1_ms);
  ASSERT_EQ(out_.clock().size(), 1u);
  EXPECT_EQ(out_.clock()[0].mode, AdjustMode::kStep);
  EXPECT_EQ(out_.clock()[0].delta, 1_min);
}

TEST_F(CristianClient, LostLateAndDuplicatedReplies) {
  const Message first = *sent(out_, MsgType::kTimeRequest);
  out_.clear();
  // Lost: the timeout sends the next probe.
  now_ = now_ + 1_s;
  client_->on_timer(now_, kCristianProbeTimer, out_);
  const Message second = *sent(out_, MsgType::kTimeRequest);
  EXPECT_NE(first.seq, second.seq);
  out_.clear();
  // The first probe's reply arrives late: discarded by seq.
  client_->on_message(now_ + 1_ms, 0, reply(first, 0_ms, 1_ms), out_);
  EXPECT_TRUE(out_.sends().empty());
  ASSERT_EQ(out_.notes().size(), 1u);
  EXPECT_TRUE(note_matches(out_.notes()[0], Note(NoteWhat::kReplyDiscarded).with_peer(0).with_seq(first.seq)));
  out_.clear();
  // The second's reply, then a duplicate of it.
  client_->on_message(now_ + 2_ms, 0, reply(second, 3_ms, 1_ms), out_);
  const Message third = *sent(out_, MsgType::kTimeRequest);
  out_.clear();
  client_->on_message(now_ + 2_ms, 0, reply(second, 3_ms, 1_ms), out_);
  EXPECT_TRUE(note_matches(out_.notes().at(0), Note(NoteWhat::kReplyDiscarded).with_peer(0).with_seq(second.seq)));
  EXPECT_TRUE(out_.clock().empty());
  out_.clear();
  // The third is lost as well: the series ends on its timeout with the one sample it has.
  client_->on_timer(now_ + 1_s, kCristianProbeTimer, out_);
  (void)third;
  ASSERT_EQ(out_.clock().size(), 1u);
  EXPECT_EQ(out_.clock()[0].delta, 3_ms);  // symmetric 1 ms each way: exact
}

TEST_F(CristianClient, SilentServerIsReported) {
  for (int i = 0; i < 3; ++i) {
    out_.clear();
    now_ = now_ + 1_s;
    client_->on_timer(now_, kCristianProbeTimer, out_);
  }
  ASSERT_EQ(out_.notes().size(), 1u);
  EXPECT_TRUE(note_matches(out_.notes()[0], Note(NoteWhat::kServerSilent).with_peer(0)));
  EXPECT_TRUE(out_.clock().empty());
  // The next period starts a new series.
  out_.clear();
  client_->on_timer(now_, kCristianRoundTimer, out_);
  EXPECT_NE(sent(out_, MsgType::kTimeRequest), nullptr);
}

}  // namespace
}  // namespace clocksim::cristian
