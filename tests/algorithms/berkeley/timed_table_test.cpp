// timed 4.4's host table (LOSTHOST), SETTIME for a far-off slave and QUIT to an untrusted
// sender, driven directly on the Berkeley state machine.
#include <gtest/gtest.h>

#include <limits>

#include "algorithms/berkeley/berkeley.hpp"
#include "tests/algorithms/berkeley/master_harness.hpp"

namespace clocksim::berkeley {
namespace timed_table_test {

using namespace literals;
using testing::members_of;
using testing::run_round;
using testing::ScriptedSlave;

constexpr std::int64_t kMs = 1'000'000;

BerkeleyConfig exact() {
  BerkeleyConfig c;
  c.quantum = Duration::zero();
  c.resolution = Duration::zero();
  c.period = 10_s;
  return c;
}

int count_what(const std::vector<Note>& notes, NoteWhat what) {
  int n = 0;
  for (const auto& note : notes) n += note.what == what ? 1 : 0;
  return n;
}

const Message* first_send(const Effects& out, MsgType type, NodeId to) {
  for (const auto& s : out.sends()) {
    if (s.msg.type == type && s.to == to) return &s.msg;
  }
  return nullptr;
}

std::optional<std::pair<Duration, Duration>> lost(int) { return std::nullopt; }

// What the static election does for a group whose leader is node 0: it leads, the others
// follow it.
void start_static(Berkeley& b, LocalTime now, Effects& out) {
  b.on_start(now, out);
  if (b.self() == 0) {
    b.lead(now, out);
  } else {
    b.follow(0, now, out);
  }
}

// Runs the next round from the round timer at `now` (the master is already leading).
testing::RoundResult next_round(Berkeley& master, LocalTime now, std::map<NodeId, ScriptedSlave>& slaves) {
  return run_round(master, now, slaves, [&](Effects& out) { master.on_timer(now, kRoundTimer, out); });
}

// ---- host table -----------------------------------------------------------------------------

TEST(BerkeleyHostTable, SilentSlaveDroppedAfterLostHostRoundsThenBackOnSlaveUp) {
  Berkeley master(Membership{0, members_of(3)}, exact(), 1);
  std::map<NodeId, ScriptedSlave> slaves;
  slaves[1].offset_ns = 2 * kMs;
  slaves[2].delays = lost;
  auto r = run_round(master, LocalTime::epoch(), slaves, [&](Effects& out) { start_static(master, LocalTime::epoch(), out); });
  EXPECT_EQ(master.host_table(), (std::vector<NodeId>{1, 2}));
  EXPECT_EQ(count_what(r.notes, NoteWhat::kHostDropped), 0);
  LocalTime now = LocalTime::epoch() + 10_s;
  r = next_round(master, now, slaves);
  EXPECT_EQ(count_what(r.notes, NoteWhat::kHostDropped), 0);
  EXPECT_EQ(master.host_table(), (std::vector<NodeId>{1, 2}));
  // The third failure (LOSTHOST = 3) drops it after the round.
  now = now + 10_s;
  r = next_round(master, now, slaves);
  ASSERT_EQ(count_what(r.notes, NoteWhat::kHostDropped), 1);
  for (const auto& n : r.notes) {
    if (n.what == NoteWhat::kHostDropped) {
      EXPECT_EQ(n.peer, 2u);
      EXPECT_EQ(n.count, 3u);
      EXPECT_EQ(n.round, 3u);
    }
  }
  EXPECT_EQ(master.host_table(), (std::vector<NodeId>{1}));
  // Dropped: no longer probed nor corrected, so a round takes no probe timeouts for it.
  now = now + 10_s;
  r = next_round(master, now, slaves);
  EXPECT_EQ(r.probes_sent.count(2), 0u);
  EXPECT_EQ(r.adjusts.count(2), 0u);
  EXPECT_EQ(r.end, now);  // zero latency, n1 only
  // It announces itself: back in the table, measured and corrected again.
  Effects out;
  master.on_message(now, 2, make_message(MsgType::kSlaveUp, 99), out);
  EXPECT_EQ(count_what(out.notes(), NoteWhat::kHostAdded), 1);
  EXPECT_EQ(master.host_table(), (std::vector<NodeId>{1, 2}));
  slaves[2].delays = [](int) { return std::make_optional(std::make_pair(Duration::zero(), Duration::zero())); };
  slaves[2].offset_ns = -4 * kMs;
  now = now + 10_s;
  r = next_round(master, now, slaves);
  ASSERT_EQ(r.adjusts.count(2), 1u);
  EXPECT_EQ(r.adjusts.at(2).type, MsgType::kAdjust);
}

TEST(BerkeleyHostTable, ZeroLostHostRoundsNeverDrops) {
  BerkeleyConfig c = exact();
  c.lost_host_rounds = 0;
  Berkeley master(Membership{0, members_of(3)}, c, 1);
  std::map<NodeId, ScriptedSlave> slaves;
  slaves[2].delays = lost;
  slaves[1].offset_ns = 0;
  run_round(master, LocalTime::epoch(), slaves, [&](Effects& out) { start_static(master, LocalTime::epoch(), out); });
  for (int k = 1; k <= 5; ++k) next_round(master, LocalTime::epoch() + 10_s * k, slaves);
  EXPECT_EQ(master.host_table(), (std::vector<NodeId>{1, 2}));
}

// A master of n1 that drops a slave after two failures, and n1, which answers its probes but
// never acknowledges a correction.
BerkeleyConfig drops_after_two(Duration period) {
  BerkeleyConfig c = exact();
  c.period = period;
  c.lost_host_rounds = 2;
  c.probes = 1;
  return c;
}
std::map<NodeId, ScriptedSlave> never_acknowledging() {
  std::map<NodeId, ScriptedSlave> slaves;
  slaves[1].offset_ns = 6 * kMs;
  slaves[1].acks = false;
  return slaves;
}

TEST(BerkeleyHostTable, UnacknowledgedCorrectionsCountToo) {
  Berkeley master(Membership{0, members_of(2)}, drops_after_two(10_s), 1);
  std::map<NodeId, ScriptedSlave> slaves = never_acknowledging();
  LocalTime now = LocalTime::epoch();
  for (int round = 0; round < 2; ++round) {
    auto r = round == 0 ? run_round(master, now, slaves, [&](Effects& out) { start_static(master, now, out); })
                        : next_round(master, now, slaves);
    ASSERT_EQ(r.adjusts.count(1), 1u);
    // Never ACKed: five sends, then it gives up and counts a failure.
    Effects out;
    for (int k = 0; k < 5; ++k) {
      out.clear();
      master.on_timer(now + 1_s, ack_timer(1), out);
    }
    EXPECT_EQ(count_what(out.notes(), NoteWhat::kCorrectionUnacknowledged), 1);
    EXPECT_EQ(count_what(out.notes(), NoteWhat::kHostDropped), round == 1 ? 1 : 0);
    now = now + 10_s;
  }
  EXPECT_TRUE(master.host_table().empty());
}

// With a period shorter than acksend's span (5 sends over 6.2 s) the next round's correction
// comes before the last wait ends. The one it replaces was never acknowledged: it counts as a
// failure all the same, as in timed (which waits out acksend before its next round), so a slave
// that never acknowledges is still dropped.
TEST(BerkeleyHostTable, ACorrectionReplacedUnacknowledgedCountsAsAFailure) {
  Berkeley master(Membership{0, members_of(2)}, drops_after_two(5_s), 1);
  std::map<NodeId, ScriptedSlave> slaves = never_acknowledging();
  LocalTime now = LocalTime::epoch();
  std::vector<Note> notes;
  for (int round = 0; round < 3; ++round) {
    auto r = round == 0 ? run_round(master, now, slaves, [&](Effects& out) { start_static(master, now, out); })
                        : next_round(master, now, slaves);
    notes.insert(notes.end(), r.notes.begin(), r.notes.end());
    if (round < 2) {
      ASSERT_EQ(r.adjusts.count(1), 1u) << round;
    }
    // Never ACKed: three more sends (0.2 + 0.4 + 0.8 s), and the next round comes first.
    Effects out;
    for (int k = 0; k < 3; ++k) {
      out.clear();
      master.on_timer(now + 1_s, ack_timer(1), out);
      EXPECT_EQ(count_what(out.notes(), NoteWhat::kCorrectionUnacknowledged), 0);
    }
    now = now + 5_s;
  }
  EXPECT_EQ(count_what(notes, NoteWhat::kCorrectionUnacknowledged), 2);
  EXPECT_EQ(count_what(notes, NoteWhat::kHostDropped), 1);
  EXPECT_TRUE(master.host_table().empty());
}

TEST(BerkeleyHostTable, NewMasterStartsWithTheWholeGroupAndSlaveUpOfAKnownHostKeepsOneFailure) {
  Berkeley b(Membership{1, members_of(4)}, exact(), 1);
  Effects out;
  b.on_start(LocalTime::epoch(), out);  // under an election: nobody leads until it says so
  EXPECT_TRUE(b.host_table().empty());
  b.lead(LocalTime::epoch(), out);
  EXPECT_EQ(b.host_table(), (std::vector<NodeId>{0, 2, 3}));
  out.clear();
  b.on_message(LocalTime::epoch(), 2, make_message(MsgType::kSlaveUp, 1), out);
  EXPECT_EQ(count_what(out.notes(), NoteWhat::kHostAdded), 0);  // already there
  // A node outside the group is not added.
  b.on_message(LocalTime::epoch(), 9, make_message(MsgType::kSlaveUp, 1), out);
  EXPECT_EQ(b.host_table(), (std::vector<NodeId>{0, 2, 3}));
  EXPECT_TRUE(b.hears_election_message(MsgType::kSlaveUp));
  EXPECT_FALSE(b.hears_election_message(MsgType::kElection));
}

TEST(BerkeleyHostTable, SilentMasterMakesTheSlaveAnnounceItself) {
  BerkeleyConfig c = exact();
  Berkeley slave(Membership{2, members_of(3)}, c, 1);
  Effects out;
  start_static(slave, LocalTime::epoch(), out);
  out.clear();
  slave.on_timer(LocalTime::epoch() + 30_s, kSlaveTimeoutTimer, out);
  const Message* up = first_send(out, MsgType::kSlaveUp, 0);
  ASSERT_NE(up, nullptr);
  EXPECT_EQ(up->subject, 0u);
}

// ---- SETTIME --------------------------------------------------------------------------------

TEST(BerkeleySetTime, FarOffSlaveGetsTheMastersCorrectedTime) {
  BerkeleyConfig c = exact();
  c.average = AverageRule::kPlain;
  Berkeley master(Membership{0, members_of(3)}, c, 1);
  std::map<NodeId, ScriptedSlave> slaves;
  slaves[1].offset_ns = 4 * kMs;
  slaves[2].offset_ns = 60'000 * kMs;  // a minute ahead
  const LocalTime start = LocalTime::from_ns(1'000 * kMs);
  const auto r = run_round(master, start, slaves, [&](Effects& out) { start_static(master, start, out); });
  const std::int64_t avg = (0 + 4 * kMs + 60'000 * kMs) / 3;  // 20.001 s
  // n1's correction, 19.997 s, stays below timed's 20 s: an ADJTIME.
  ASSERT_EQ(r.adjusts.count(1), 1u);
  EXPECT_EQ(r.adjusts.at(1).type, MsgType::kAdjust);
  EXPECT_EQ(r.adjusts.at(1).value_ns, avg - 4 * kMs);
  // n2's, −40 s, goes out as SETTIME: the master's reading when it sends plus its own correction.
  ASSERT_EQ(r.adjusts.count(2), 1u);
  EXPECT_EQ(r.adjusts.at(2).type, MsgType::kSetTime);
  EXPECT_EQ(r.adjusts.at(2).value_ns, r.end.ns() + avg);
  EXPECT_EQ(r.adjusts.at(2).term, 1u);
  EXPECT_EQ(count_what(r.notes, NoteWhat::kSetTimeSent), 1);
  ASSERT_EQ(r.own_clock.size(), 1u);
  EXPECT_EQ(r.own_clock[0].delta.ns(), avg);
}

TEST(BerkeleySetTime, ThresholdZeroKeepsAdjtime) {
  BerkeleyConfig c = exact();
  c.settime_threshold = Duration::zero();
  Berkeley master(Membership{0, members_of(2)}, c, 1);
  std::map<NodeId, ScriptedSlave> slaves;
  slaves[1].offset_ns = 60'000 * kMs;
  const auto r = run_round(master, LocalTime::epoch(), slaves, [&](Effects& out) { start_static(master, LocalTime::epoch(), out); });
  ASSERT_EQ(r.adjusts.count(1), 1u);
  EXPECT_EQ(r.adjusts.at(1).type, MsgType::kAdjust);
}

TEST(BerkeleySetTime, SentOnceAndAMissingAckCountsAsAFailure) {
  BerkeleyConfig c = exact();
  c.probes = 1;
  Berkeley master(Membership{0, members_of(2)}, c, 1);
  Effects out;
  start_static(master, LocalTime::epoch(), out);
  const Message p = *first_send(out, MsgType::kTimeRequest, 1);
  out.clear();
  Message reply = make_message(MsgType::kTimeReply, p.seq);
  reply.term = p.term;
  reply.t2_ns = reply.t3_ns = -50'000 * kMs;  // 50 s behind
  master.on_message(LocalTime::epoch(), 1, reply, out);
  const Message* set = first_send(out, MsgType::kSetTime, 1);
  ASSERT_NE(set, nullptr);
  EXPECT_EQ(set->value_ns, -25'000 * kMs);  // the master's now (0) + its own correction (avg −25 s)
  out.clear();
  master.on_timer(LocalTime::epoch() + 200_ms, ack_timer(1), out);
  EXPECT_TRUE(out.sends().empty());  // not sent again with an old time
  EXPECT_EQ(count_what(out.notes(), NoteWhat::kCorrectionUnacknowledged), 1);
}

TEST(BerkeleySetTime, SlaveStepsToTheGivenTimeAndAcks) {
  Berkeley slave(Membership{1, members_of(2)}, BerkeleyConfig{}, 1);
  Effects out;
  start_static(slave, LocalTime::epoch(), out);
  out.clear();
  Message set = make_message(MsgType::kSetTime, 5);
  set.term = 1;
  set.value_ns = 100'000 * kMs;
  const LocalTime now = LocalTime::from_ns(40'000 * kMs);
  slave.on_message(now, 0, set, out);
  ASSERT_EQ(out.clock().size(), 1u);
  EXPECT_EQ(out.clock()[0].delta.ns(), 60'000 * kMs);
  EXPECT_EQ(out.clock()[0].mode, AdjustMode::kStep);
  EXPECT_EQ(out.clock()[0].source.term, 1u);
  ASSERT_NE(first_send(out, MsgType::kAck, 0), nullptr);
  // A duplicate is ACKed and not applied twice.
  out.clear();
  slave.on_message(now + 1_s, 0, set, out);
  EXPECT_TRUE(out.clock().empty());
  EXPECT_NE(first_send(out, MsgType::kAck, 0), nullptr);
  // A SETTIME close to the clock is slewed, as timed's slave does below MAXADJ.
  Message near = set;
  near.seq = 6;
  near.term = 2;
  near.value_ns = now.ns() + 3 * kMs;
  out.clear();
  slave.on_message(now, 0, near, out);
  ASSERT_EQ(out.clock().size(), 1u);
  EXPECT_EQ(out.clock()[0].mode, AdjustMode::kSlew);
  EXPECT_EQ(out.clock()[0].delta.ns(), 3 * kMs);
}

TEST(BerkeleySetTime, HostileTimesSaturateInsteadOfOverflowing) {
  Berkeley slave(Membership{1, members_of(2)}, BerkeleyConfig{}, 1);
  Effects out;
  start_static(slave, LocalTime::epoch(), out);
  std::uint32_t term = 1;
  for (const std::int64_t value : {std::numeric_limits<std::int64_t>::max(), std::numeric_limits<std::int64_t>::min()}) {
    Message set = make_message(MsgType::kSetTime, term);
    set.term = term++;
    set.value_ns = value;
    out.clear();
    slave.on_message(LocalTime::from_ns(-5 * kMs), 0, set, out);
    ASSERT_EQ(out.clock().size(), 1u);
    EXPECT_EQ(out.clock()[0].delta.ns() > 0, value > 0);  // saturated, sign kept
  }
}

// ---- trust and QUIT -------------------------------------------------------------------------

TEST(BerkeleyTrust, SlaveRefusesAnUntrustedMasterAndTellsItToQuit) {
  BerkeleyConfig c;
  c.trusted = {1, 2};
  Berkeley slave(Membership{2, members_of(3)}, c, 1);  // static master n0, untrusted
  Effects out;
  start_static(slave, LocalTime::epoch(), out);
  out.clear();
  Message adj = make_message(MsgType::kAdjust, 3);
  adj.term = 1;
  adj.value_ns = 5 * kMs;
  EXPECT_FALSE(slave.is_master_activity(0, adj));
  slave.on_message(LocalTime::epoch(), 0, adj, out);
  EXPECT_TRUE(out.clock().empty());
  EXPECT_EQ(first_send(out, MsgType::kAck, 0), nullptr);
  const Message* quit = first_send(out, MsgType::kQuit, 0);
  ASSERT_NE(quit, nullptr);
  EXPECT_EQ(quit->flags & kQuitUntrusted, kQuitUntrusted);
  EXPECT_EQ(count_what(out.notes(), NoteWhat::kUntrustedMaster), 1);
  // A trusted sender is obeyed (here n1, after it became this slave's master).
  out.clear();
  slave.follow(1, LocalTime::epoch(), out);
  EXPECT_TRUE(slave.is_master_activity(1, adj));
  slave.on_message(LocalTime::epoch(), 1, adj, out);
  EXPECT_EQ(out.clock().size(), 1u);
}

TEST(BerkeleyTrust, EveryoneTrustedByDefault) {
  const BerkeleyConfig c;
  EXPECT_TRUE(c.trusts(0));
  EXPECT_TRUE(c.trusts(12345));
}

TEST(BerkeleyTrust, StaticMasterObeysATrustedQuitAndAnswersTheFirstUntrustedOne) {
  BerkeleyConfig c;
  c.trusted = {1};
  Berkeley master(Membership{0, members_of(3)}, c, 1);
  Effects out;
  start_static(master, LocalTime::epoch(), out);
  ASSERT_EQ(master.role(), Role::kMaster);
  Message q = make_message(MsgType::kQuit, 1);
  q.flags = kQuitUntrusted;
  // n2 is not trusted: the first QUIT is answered with QUIT (timed's doquit), the second obeyed.
  out.clear();
  master.on_message(LocalTime::epoch(), 2, q, out);
  EXPECT_EQ(master.role(), Role::kMaster);
  EXPECT_NE(first_send(out, MsgType::kQuit, 2), nullptr);
  EXPECT_EQ(count_what(out.notes(), NoteWhat::kQuitSuppressed), 1);
  out.clear();
  master.on_message(LocalTime::epoch(), 2, q, out);
  EXPECT_NE(master.role(), Role::kMaster);
  // A trusted node's QUIT is obeyed at once.
  Berkeley other(Membership{0, members_of(3)}, c, 1);
  out.clear();
  start_static(other, LocalTime::epoch(), out);
  out.clear();
  other.on_message(LocalTime::epoch(), 1, q, out);
  EXPECT_EQ(other.role(), Role::kSlave);
  EXPECT_EQ(other.believed_master(), kNoNode);
  EXPECT_EQ(count_what(out.notes(), NoteWhat::kQuitObeyed), 1);
  EXPECT_TRUE(other.host_table().empty());
}

}  // namespace timed_table_test
}  // namespace clocksim::berkeley
