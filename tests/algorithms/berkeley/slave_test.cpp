// The Berkeley slave side and the roles, driven directly.
#include <gtest/gtest.h>

#include "algorithms/berkeley/berkeley.hpp"
#include "tests/algorithms/berkeley/master_harness.hpp"

namespace clocksim::berkeley {
namespace {

using namespace literals;
using testing::count_notes;
using testing::members_of;

Message adjust(std::uint32_t seq, std::uint32_t term, Duration corr) {
  Message m = make_message(MsgType::kAdjust, seq);
  m.term = term;
  m.value_ns = corr.ns();
  return m;
}

const SendEffect* find_send(const Effects& out, MsgType type) {
  for (const auto& s : out.sends()) {
    if (s.msg.type == type) return &s;
  }
  return nullptr;
}

class SlaveTest : public ::testing::Test {
 protected:
  SlaveTest() : slave_(Membership{2, members_of(4)}, BerkeleyConfig{}, 7, true) {
    slave_.on_start(LocalTime::epoch(), out_);  // static master: the lowest id, n0
    out_.clear();
  }
  Berkeley slave_;
  Effects out_;
};

TEST_F(SlaveTest, RolesAndBelievedMaster) {
  EXPECT_EQ(slave_.role(), Role::kSlave);
  EXPECT_EQ(slave_.believed_master(), 0u);
  Berkeley master(Membership{0, members_of(4)}, BerkeleyConfig{}, 7, true);
  EXPECT_EQ(master.role(), Role::kNone);
  Effects out;
  master.on_start(LocalTime::epoch(), out);
  EXPECT_EQ(master.role(), Role::kMaster);
  EXPECT_EQ(master.believed_master(), 0u);
  // An election can demote it and promote another.
  out.clear();
  master.follow(3, LocalTime::epoch(), out);
  EXPECT_EQ(master.role(), Role::kSlave);
  EXPECT_EQ(master.believed_master(), 3u);
  slave_.lead(LocalTime::epoch(), out_);
  EXPECT_EQ(slave_.role(), Role::kMaster);
  EXPECT_EQ(slave_.believed_master(), 2u);
}

TEST(BerkeleyRoles, StaticMasterParameter) {
  BerkeleyConfig c;
  c.master = 3;
  Berkeley b(Membership{3, members_of(4)}, c, 1, true);
  Effects out;
  b.on_start(LocalTime::epoch(), out);
  EXPECT_EQ(b.role(), Role::kMaster);
  EXPECT_NE(find_send(out, MsgType::kTimeRequest), nullptr);
}

TEST(BerkeleyRoles, ComposedWaitsForTheElection) {
  Berkeley b(Membership{0, members_of(4)}, BerkeleyConfig{}, 1, /*standalone=*/false);
  Effects out;
  b.on_start(LocalTime::epoch(), out);
  EXPECT_EQ(b.role(), Role::kNone);
  EXPECT_EQ(b.believed_master(), kNoNode);
  EXPECT_TRUE(out.empty());
  b.lead(LocalTime::epoch(), out);
  EXPECT_EQ(b.role(), Role::kMaster);
  // Stepping down cancels the master's timers.
  out.clear();
  b.follow(kNoNode, LocalTime::epoch(), out);
  EXPECT_EQ(b.role(), Role::kSlave);
  bool cancelled_round = false;
  for (const auto& t : out.timers()) cancelled_round |= (t.id == kRoundTimer && t.cancel);
  EXPECT_TRUE(cancelled_round);
}

TEST_F(SlaveTest, AnswersTimeRequestsWithItsReading) {
  Message req = make_message(MsgType::kTimeRequest, 42);
  req.t1_ns = 1000;
  req.term = 3;
  slave_.on_message(LocalTime::from_ns(5000), 0, req, out_);
  const auto* s = find_send(out_, MsgType::kTimeReply);
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->to, 0u);
  EXPECT_EQ(s->msg.seq, 42u);
  EXPECT_EQ(s->msg.t1_ns, 1000);
  EXPECT_EQ(s->msg.t2_ns, 5000);
  EXPECT_EQ(s->msg.t3_ns, 5000);
  EXPECT_TRUE(slave_.is_master_activity(0, req));
  EXPECT_FALSE(slave_.is_master_activity(1, req));
}

TEST_F(SlaveTest, SmallCorrectionIsSlewedAndAcked) {
  slave_.on_message(LocalTime::epoch(), 0, adjust(9, 1, -5_ms), out_);
  ASSERT_EQ(out_.clock().size(), 1u);
  EXPECT_EQ(out_.clock()[0].delta, -5_ms);
  EXPECT_EQ(out_.clock()[0].mode, AdjustMode::kSlew);
  const auto* ack = find_send(out_, MsgType::kAck);
  ASSERT_NE(ack, nullptr);
  EXPECT_EQ(ack->msg.seq, 9u);
  EXPECT_EQ(ack->to, 0u);
}

TEST_F(SlaveTest, LargeCorrectionIsStepped) {
  slave_.on_message(LocalTime::epoch(), 0, adjust(9, 1, 20_s), out_);
  EXPECT_EQ(out_.clock().at(0).mode, AdjustMode::kStep);
  out_.clear();
  slave_.on_message(LocalTime::epoch(), 0, adjust(10, 2, -(20_s - 1_ns)), out_);
  EXPECT_EQ(out_.clock().at(0).mode, AdjustMode::kSlew);
}

TEST_F(SlaveTest, DuplicateIsAckedButAppliedOnce) {
  slave_.on_message(LocalTime::epoch(), 0, adjust(9, 1, 3_ms), out_);
  EXPECT_EQ(out_.clock().size(), 1u);
  out_.clear();
  slave_.on_message(LocalTime::epoch(), 0, adjust(9, 1, 3_ms), out_);  // retransmission
  EXPECT_TRUE(out_.clock().empty());
  EXPECT_NE(find_send(out_, MsgType::kAck), nullptr);
}

TEST_F(SlaveTest, ReorderedOlderRoundIsIgnored) {
  slave_.on_message(LocalTime::epoch(), 0, adjust(20, 5, 2_ms), out_);
  out_.clear();
  slave_.on_message(LocalTime::epoch(), 0, adjust(11, 4, 7_ms), out_);  // round 4 arrives late
  EXPECT_TRUE(out_.clock().empty());
  EXPECT_NE(find_send(out_, MsgType::kAck), nullptr);
  out_.clear();
  slave_.on_message(LocalTime::epoch(), 0, adjust(30, 6, 1_ms), out_);
  EXPECT_EQ(out_.clock().size(), 1u);
}

TEST_F(SlaveTest, CorrectionFromANonMasterIsIgnored) {
  slave_.on_message(LocalTime::epoch(), 1, adjust(9, 1, 3_ms), out_);
  EXPECT_TRUE(out_.empty());
}

TEST_F(SlaveTest, RateCorrectionApplied) {
  Message m = adjust(9, 1, 1_ms);
  m.flags = kAdjustHasRate;
  m.rate_ppb = -12'345;
  slave_.on_message(LocalTime::epoch(), 0, m, out_);
  ASSERT_EQ(out_.clock().size(), 2u);
  EXPECT_EQ(out_.clock()[1].kind, ClockEffect::Kind::kSetRate);
  EXPECT_DOUBLE_EQ(out_.clock()[1].rate_ppm, -12.345);
  // Without the flag no rate is touched.
  out_.clear();
  slave_.on_message(LocalTime::epoch(), 0, adjust(10, 2, 1_ms), out_);
  EXPECT_EQ(out_.clock().size(), 1u);
}

TEST_F(SlaveTest, MasterSilenceIsNoted) {
  // follow() armed the timeout: three default periods.
  Berkeley s(Membership{2, members_of(4)}, BerkeleyConfig{}, 7, true);
  Effects out;
  s.on_start(LocalTime::epoch(), out);
  bool armed = false;
  for (const auto& t : out.timers()) armed |= (t.id == kSlaveTimeoutTimer && !t.cancel && t.after == 720_s);
  EXPECT_TRUE(armed);
  out.clear();
  s.on_timer(LocalTime::from_ns((720_s).ns()), kSlaveTimeoutTimer, out);
  EXPECT_EQ(count_notes(out.notes(), NoteKind::kMasterSilent), 1);
  // An adjustment from the master re-arms it.
  out.clear();
  s.on_message(LocalTime::epoch(), 0, adjust(1, 1, 1_ms), out);
  armed = false;
  for (const auto& t : out.timers()) armed |= (t.id == kSlaveTimeoutTimer && !t.cancel);
  EXPECT_TRUE(armed);
}

}  // namespace
}  // namespace clocksim::berkeley
