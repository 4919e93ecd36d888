// The Berkeley slave side and the roles, driven directly.
#include <gtest/gtest.h>

#include <limits>

#include "algorithms/berkeley/berkeley.hpp"
#include "algorithms/election/static/static_election.hpp"
#include "algorithms/registry.hpp"
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
  SlaveTest() : slave_(Membership{2, members_of(4)}, BerkeleyConfig{}, 7) {
    slave_.on_start(LocalTime::epoch(), out_);
    slave_.follow(0, LocalTime::epoch(), out_);  // the static election's master: the lowest id, n0
    out_.clear();
  }
  Berkeley slave_;
  Effects out_;
};

TEST_F(SlaveTest, RolesAndBelievedMaster) {
  EXPECT_EQ(slave_.role(), Role::kSlave);
  EXPECT_EQ(slave_.believed_master(), 0u);
  Berkeley master(Membership{0, members_of(4)}, BerkeleyConfig{}, 7);
  EXPECT_EQ(master.role(), Role::kNone);
  Effects out;
  master.on_start(LocalTime::epoch(), out);
  EXPECT_EQ(master.role(), Role::kNone);  // until an election (static or not) says who leads
  master.lead(LocalTime::epoch(), out);
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

TEST(BerkeleyRoles, TheStaticElectionNamesTheMaster) {
  algorithms::StackSetup s;
  s.membership = Membership{3, members_of(4)};
  s.sync = {"berkeley", ParamSet::defaults(berkeley_params())};
  s.election = {"static", ParamSet::defaults(election::static_param_specs())};
  s.election.params.set("leader", std::int64_t{3});
  auto node = algorithms::make_stack(s);
  Effects out;
  node->on_start(LocalTime::epoch(), out);
  EXPECT_EQ(node->role(), Role::kMaster);
  EXPECT_NE(find_send(out, MsgType::kTimeRequest), nullptr);
  // With no election named, the static election's default leads: the lowest id.
  s.election = {};
  node = algorithms::make_stack(s);
  out.clear();
  node->on_start(LocalTime::epoch(), out);
  EXPECT_EQ(node->role(), Role::kSlave);
  EXPECT_EQ(node->believed_master(), 0u);
}

TEST(BerkeleyRoles, ComposedWaitsForTheElection) {
  Berkeley b(Membership{0, members_of(4)}, BerkeleyConfig{}, 1);
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
  // A master's traffic, whoever sends it (the election decides whether it is its master).
  EXPECT_TRUE(slave_.is_master_activity(0, req));
  EXPECT_TRUE(slave_.is_master_activity(1, req));
  EXPECT_FALSE(slave_.is_master_activity(2, req)) << "its own";
  EXPECT_FALSE(slave_.is_master_activity(0, make_message(MsgType::kTimeReply, 1)));
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

// A slave's correction rests on its master's word alone: one member consulted, one witness.
TEST_F(SlaveTest, ReportsItsMasterAsItsOneSource) {
  slave_.on_message(LocalTime::epoch(), 0, adjust(9, 1, -5_ms), out_);
  ASSERT_EQ(out_.clock().size(), 1u);
  EXPECT_EQ(out_.evidence().consulted, 1u);
  ASSERT_EQ(out_.evidence().witnesses.size(), 1u);
  EXPECT_EQ(out_.evidence().witnesses[0].member, 0u);
  EXPECT_EQ(out_.evidence().witnesses[0].offset, -5_ms);
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

// timed's slave takes ADJTIME and SETTIME only from its master: a node that knows no master yet
// (before the election has spoken, after a restart, or after its master was lost) takes neither
// from any member, trusted or not, and acknowledges nothing. Once it follows a master, that
// master's corrections apply and nobody else's.
TEST(BerkeleySlaveWithoutMaster, TakesNoCorrectionFromAnyone) {
  Berkeley b(Membership{2, members_of(4)}, BerkeleyConfig{}, 7);
  Effects out;
  b.on_start(LocalTime::epoch(), out);
  ASSERT_EQ(b.believed_master(), kNoNode);  // no election has spoken yet
  Message set_time = make_message(MsgType::kSetTime, 5);
  set_time.term = 1;
  set_time.value_ns = 1'000'000'000'000'000'000;
  for (NodeId from : {0u, 1u, 3u}) {
    out.clear();
    b.on_message(LocalTime::epoch(), from, adjust(9, 1, 500_ms), out);
    b.on_message(LocalTime::epoch(), from, set_time, out);
    EXPECT_TRUE(out.clock().empty()) << "from n" << from;
    EXPECT_EQ(find_send(out, MsgType::kAck), nullptr) << "from n" << from;
    // Nor is a correction a claim to lead that an election could adopt it by; a probe is.
    EXPECT_FALSE(b.is_master_activity(from, adjust(9, 1, 500_ms))) << "from n" << from;
    EXPECT_FALSE(b.is_master_activity(from, set_time)) << "from n" << from;
    EXPECT_TRUE(b.is_master_activity(from, make_message(MsgType::kTimeRequest, 1))) << "from n" << from;
  }
  // A slave whose master is gone (the election follows nobody) is in the same place.
  out.clear();
  b.follow(kNoNode, LocalTime::epoch(), out);
  b.on_message(LocalTime::epoch(), 1, adjust(10, 2, 500_ms), out);
  EXPECT_TRUE(out.clock().empty());
  // Following n0: n0's correction applies, n3's does not.
  out.clear();
  b.follow(0, LocalTime::epoch(), out);
  b.on_message(LocalTime::epoch(), 3, adjust(11, 3, 500_ms), out);
  EXPECT_TRUE(out.clock().empty());
  EXPECT_FALSE(b.is_master_activity(3, adjust(11, 3, 500_ms)));
  EXPECT_TRUE(b.is_master_activity(0, adjust(12, 3, 2_ms)));
  b.on_message(LocalTime::epoch(), 0, adjust(12, 3, 2_ms), out);
  ASSERT_EQ(out.clock().size(), 1u);
  EXPECT_EQ(out.clock()[0].delta, 2_ms);
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

// An honest master clamps its rate to max_rate_correction_ppm (default 1000); a larger one, from
// a lying or broken master, could stop the slave's clock: nothing of that correction applies.
TEST_F(SlaveTest, RateBeyondTheClusterLimitIsRefusedWhole) {
  for (const std::int64_t ppb : {std::int64_t{1'000'001}, std::int64_t{-2'000'000'000}, std::numeric_limits<std::int64_t>::min(),
                                 std::numeric_limits<std::int64_t>::max()}) {
    out_.clear();
    Message m = adjust(static_cast<std::uint32_t>(20 + (ppb & 7)), 1, 1_ms);
    m.flags = kAdjustHasRate;
    m.rate_ppb = ppb;
    slave_.on_message(LocalTime::epoch(), 0, m, out_);
    EXPECT_TRUE(out_.clock().empty()) << ppb;
    EXPECT_EQ(find_send(out_, MsgType::kAck), nullptr) << ppb;
    ASSERT_EQ(out_.notes().size(), 1u) << ppb;
    EXPECT_EQ(out_.notes()[0].what, NoteWhat::kRateRefused);
    EXPECT_EQ(out_.notes()[0].value_ns, ppb);
  }
  // The limit itself is what an honest master may send.
  out_.clear();
  Message m = adjust(40, 2, 1_ms);
  m.flags = kAdjustHasRate;
  m.rate_ppb = -1'000'000;
  slave_.on_message(LocalTime::epoch(), 0, m, out_);
  ASSERT_EQ(out_.clock().size(), 2u);
  EXPECT_DOUBLE_EQ(out_.clock()[1].rate_ppm, -1000);
}

TEST_F(SlaveTest, MasterSilenceIsNoted) {
  // follow() armed the timeout: three default periods.
  Berkeley s(Membership{2, members_of(4)}, BerkeleyConfig{}, 7);
  Effects out;
  s.on_start(LocalTime::epoch(), out);
  s.follow(0, LocalTime::epoch(), out);
  bool armed = false;
  for (const auto& t : out.timers()) armed |= (t.id == kSlaveTimeoutTimer && !t.cancel && t.after == 720_s);
  EXPECT_TRUE(armed);
  out.clear();
  s.on_timer(LocalTime::from_ns((720_s).ns()), kSlaveTimeoutTimer, out);
  EXPECT_EQ(count_notes(out.notes(), EventKind::kMasterSilent), 1);
  // An adjustment from the master re-arms it.
  out.clear();
  s.on_message(LocalTime::epoch(), 0, adjust(1, 1, 1_ms), out);
  armed = false;
  for (const auto& t : out.timers()) armed |= (t.id == kSlaveTimeoutTimer && !t.cancel);
  EXPECT_TRUE(armed);
}

Message time_request(std::uint32_t seq, std::uint32_t term) {
  Message m = make_message(MsgType::kTimeRequest, seq);
  m.term = term;
  return m;
}

// Two masters measure the same slave during a conflict; the slave follows one, then the other
// wins. The loser-turned-winner's correction was computed before the first master's correction
// moved the clock: applying it would count that move twice.
TEST(BerkeleySlaveStaleness, CorrectionMeasuredBeforeAnotherCorrectionIsIgnored) {
  Berkeley slave(Membership{2, members_of(4)}, BerkeleyConfig{}, 7);
  Effects out;
  slave.on_start(LocalTime::epoch(), out);
  slave.follow(kNoNode, LocalTime::epoch(), out);  // no master yet
  slave.on_message(LocalTime::from_ns(1000), 3, time_request(1, 7), out);  // master n3 measures
  slave.on_message(LocalTime::from_ns(2000), 0, time_request(2, 4), out);  // master n0 measures
  slave.follow(0, LocalTime::from_ns(2000), out);  // the election follows n0
  out.clear();
  slave.on_message(LocalTime::from_ns(3000), 0, adjust(3, 4, 2_ms), out);  // n0's correction applies
  EXPECT_EQ(out.clock().size(), 1u);
  slave.follow(3, LocalTime::from_ns(3500), out);  // ... then n3 wins
  out.clear();
  slave.on_message(LocalTime::from_ns(4000), 3, adjust(4, 7, 5_ms), out);  // n3's is stale now
  EXPECT_TRUE(out.clock().empty());
  EXPECT_NE(find_send(out, MsgType::kAck), nullptr) << "acknowledged, so that n3 stops resending it";
  EXPECT_EQ(count_notes(out.notes(), EventKind::kLateReply), 1);
  // A fresh measurement by n3 makes its next correction valid again.
  out.clear();
  slave.on_message(LocalTime::from_ns(5000), 3, time_request(5, 8), out);
  slave.on_message(LocalTime::from_ns(6000), 3, adjust(6, 8, 1_ms), out);
  EXPECT_EQ(out.clock().size(), 1u);
}

// A retransmitted correction of an older round that arrives after the slave answered the next
// round's measurement is stale: the newer correction already accounts for the clock as it was.
TEST_F(SlaveTest, OlderRoundArrivingAfterANewerMeasurementIsIgnored) {
  slave_.on_message(LocalTime::from_ns(1000), 0, time_request(1, 5), out_);
  out_.clear();
  slave_.on_message(LocalTime::from_ns(2000), 0, adjust(2, 4, 3_ms), out_);  // round 4, late
  EXPECT_TRUE(out_.clock().empty());
  out_.clear();
  slave_.on_message(LocalTime::from_ns(3000), 0, adjust(3, 5, 1_ms), out_);
  EXPECT_EQ(out_.clock().size(), 1u);
}

// A master that restarts counts its rounds from 1 again; its slave must not take the small terms
// for old retransmissions.
TEST_F(SlaveTest, RestartedMasterIsObeyedDespiteSmallerTerms) {
  slave_.on_message(LocalTime::from_ns(1000), 0, time_request(1, 40), out_);
  slave_.on_message(LocalTime::from_ns(2000), 0, adjust(2, 40, 3_ms), out_);
  out_.clear();
  slave_.on_message(LocalTime::from_ns(3000), 0, time_request(1, 1), out_);  // new incarnation
  slave_.on_message(LocalTime::from_ns(4000), 0, adjust(2, 1, 2_ms), out_);
  EXPECT_EQ(out_.clock().size(), 1u);
}

}  // namespace
}  // namespace clocksim::berkeley
