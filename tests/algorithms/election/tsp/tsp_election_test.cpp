// Scripted single-machine tests of the TSP election: each test feeds inputs by hand and checks
// the effects against timed's behaviour (docs/berkeley-and-tsp.md §4-§11).
#include "algorithms/election/tsp/tsp_election.hpp"

#include <gtest/gtest.h>

#include <limits>

#include "tests/algorithms/testing/election_helpers.hpp"

namespace clocksim::election {
namespace tsp_election_test {

using namespace clocksim::literals;
using namespace clocksim::testing;

TimerId T(std::uint32_t local) { return election_timer(local); }
// The acksend timer among these effects (the only election-part timer above the fixed ones).
TimerId ack_timer(const Effects& out) {
  for (const auto& t : out.timers()) {
    if (!t.cancel && TimerSpace::local(t.id) >= TspElection::kAckTimerBase) return t.id;
  }
  ADD_FAILURE() << "no ack timer";
  return 0;
}

struct Fixture {
  explicit Fixture(NodeId self = 3, std::size_t n = 8, bool can_be_master = true) {
    auto s = setup_for("tsp", self, n);
    s.can_be_master = can_be_master;
    s.params.set("timeout", DurationRange{10_s, 10_s});
    s.params.set("refuse_window", 5_s);
    m = std::make_unique<TspElection>(s);
  }
  std::unique_ptr<TspElection> m;
};

// Drives a node from on_start to a slave of `master` at t = 0.
Fixture slave_of(NodeId master, NodeId self = 3) {
  Fixture f(self);
  Effects out;
  f.m->on_start(at(0_s), out);
  Message ack = make_message(MsgType::kMasterAck, sends_of(out, MsgType::kMasterReq).at(0).seq);
  Effects out2;
  f.m->on_message(at(10_ms), master, ack, out2);
  return f;
}

// Drives a node to master: start, no answer to MASTERREQ after every retry.
Fixture lone_master() {
  Fixture f;
  Effects out;
  f.m->on_start(at(0_s), out);
  TimerId id = ack_timer(out);
  for (int i = 0; i < 5; ++i) {
    Effects o;
    f.m->on_timer(at(1_s * (i + 1)), id, o);
  }
  EXPECT_EQ(f.m->role(), Role::kMaster);
  return f;
}

TEST(TspElection, StartupBroadcastsMasterReqAndFollowsTheMasterThatAnswers) {
  Fixture f;
  Effects out;
  f.m->on_start(at(0_s), out);
  ASSERT_EQ(out.sends().size(), 1u);
  EXPECT_EQ(out.sends()[0].to, kBroadcast);
  EXPECT_EQ(out.sends()[0].msg.type, MsgType::kMasterReq);
  EXPECT_EQ(f.m->role(), Role::kNone);

  Message ack = make_message(MsgType::kMasterAck, out.sends()[0].msg.seq);
  Effects out2;
  f.m->on_message(at(5_ms), 6, ack, out2);
  EXPECT_EQ(f.m->role(), Role::kSlave);
  EXPECT_EQ(f.m->believed_master(), 6u);
  ASSERT_EQ(sends_of(out2, MsgType::kSlaveUp, 6).size(), 1u);
  EXPECT_TRUE(has_timer(out2, T(TspElection::kElectionTimer)));
  EXPECT_TRUE(has_note(out2, Note(NoteWhat::kSlaveOf).with_subject(6)));
}

TEST(TspElection, MasterReqIsRetriedWithDoublingWaitThenNodeBecomesMaster) {
  Fixture f;
  Effects out;
  f.m->on_start(at(0_s), out);
  const TimerId id = ack_timer(out);
  EXPECT_EQ(find_timer(out, id)->after, 200_ms);
  std::vector<Duration> waits;
  int req_sends = 1;
  for (int i = 0; i < 4; ++i) {
    Effects o;
    f.m->on_timer(at(1_s), id, o);
    req_sends += static_cast<int>(sends_of(o, MsgType::kMasterReq).size());
    waits.push_back(find_timer(o, id)->after);
  }
  EXPECT_EQ(waits, (std::vector<Duration>{400_ms, 800_ms, 1600_ms, 3200_ms}));
  EXPECT_EQ(req_sends, 5);
  Effects last;
  f.m->on_timer(at(7_s), id, last);
  EXPECT_EQ(f.m->role(), Role::kMaster);
  EXPECT_EQ(f.m->believed_master(), 3u);
  EXPECT_EQ(sends_of(last, MsgType::kMasterUp).size(), 1u);
  EXPECT_TRUE(has_note(last, Note(NoteWhat::kBecomesMaster).because(NoteWhy::kNoMasterAnswered)));
}

TEST(TspElection, StaysSlaveWhenOthersAreStartingToo) {
  Fixture f;
  Effects out;
  f.m->on_start(at(0_s), out);
  const TimerId id = ack_timer(out);
  Effects o;
  f.m->on_message(at(1_ms), 5, make_message(MsgType::kMasterReq, 77), o);
  for (int i = 0; i < 5; ++i) {
    Effects e;
    f.m->on_timer(at(1_s), id, e);
  }
  EXPECT_EQ(f.m->role(), Role::kSlave);
  EXPECT_EQ(f.m->believed_master(), kNoNode);
}

TEST(TspElection, NodeWithoutMFlagNeverStands) {
  Fixture f(3, 8, /*can_be_master=*/false);
  Effects out;
  f.m->on_start(at(0_s), out);
  const TimerId id = ack_timer(out);
  for (int i = 0; i < 5; ++i) {
    Effects e;
    f.m->on_timer(at(1_s), id, e);
  }
  EXPECT_EQ(f.m->role(), Role::kSlave);
  Effects e;
  f.m->on_timer(at(20_s), T(TspElection::kElectionTimer), e);
  EXPECT_TRUE(sends_of(e, MsgType::kElection).empty());
  EXPECT_EQ(sends_of(e, MsgType::kMasterReq).size(), 1u);  // asks for a master again instead
  EXPECT_NE(f.m->role(), Role::kCandidate);
}

TEST(TspElection, ElectionTimerRestartsOnMasterActivityAndFiresIntoCandidacy) {
  Fixture f = slave_of(6);
  Effects a;
  f.m->on_master_activity(6, at(5_s), a);
  ASSERT_TRUE(has_timer(a, T(TspElection::kElectionTimer)));
  EXPECT_EQ(find_timer(a, T(TspElection::kElectionTimer))->after, 10_s);
  Effects other;
  f.m->on_master_activity(2, at(6_s), other);  // not its master: no restart
  EXPECT_FALSE(has_timer(other, T(TspElection::kElectionTimer)));

  Effects fire;
  f.m->on_timer(at(15_s), T(TspElection::kElectionTimer), fire);
  EXPECT_EQ(f.m->role(), Role::kCandidate);
  EXPECT_TRUE(has_note(fire, Note(NoteWhat::kNoWordFromMaster).with_subject(6)));
  EXPECT_TRUE(has_note(fire, Note(NoteWhat::kTspElectionStarted).with_election({3, 1})));
  ASSERT_EQ(sends_of(fire, MsgType::kElection).size(), 1u);
  EXPECT_EQ(sends_of(fire, MsgType::kElection)[0].term, 1u);
  EXPECT_EQ(find_timer(fire, T(TspElection::kCandidateTimer))->after, 3_s);
}

TEST(TspElection, CandidateWithoutObjectionBecomesMasterAfterTheWindow) {
  Fixture f = slave_of(6);
  Effects fire;
  f.m->on_timer(at(15_s), T(TspElection::kElectionTimer), fire);
  Message acc = make_message(MsgType::kAccept, 900);
  acc.term = 1;
  Effects a;
  f.m->on_message(at(15_s + 50_ms), 1, acc, a);
  ASSERT_EQ(sends_of(a, MsgType::kElectionAck, 1).size(), 1u);  // ACCEPT is acknowledged
  EXPECT_EQ(sends_of(a, MsgType::kElectionAck, 1)[0].seq, 900u);
  Effects win;
  f.m->on_timer(at(18_s), T(TspElection::kCandidateTimer), win);
  EXPECT_EQ(f.m->role(), Role::kMaster);
  EXPECT_TRUE(has_note(win, Note(NoteWhat::kBecomesMaster).because(NoteWhy::kWonElection).with_election({3, 1}).with_count(1)));
  ASSERT_EQ(sends_of(win, MsgType::kMasterUp).size(), 1u);
  EXPECT_EQ(sends_of(win, MsgType::kMasterUp)[0].term, 1u);
}

TEST(TspElection, CandidateGivesUpOnRefuseButIgnoresRefusalsOfAnOlderCandidacy) {
  Fixture f = slave_of(6);
  Effects fire;
  f.m->on_timer(at(15_s), T(TspElection::kElectionTimer), fire);
  const Duration first_timeout = f.m->election_timeout();
  Message stale = make_message(MsgType::kRefuse, 5);
  stale.term = 0;
  Effects s;
  f.m->on_message(at(15_s + 10_ms), 2, stale, s);
  EXPECT_EQ(f.m->role(), Role::kCandidate);
  EXPECT_EQ(sends_of(s, MsgType::kElectionAck).size(), 1u);

  Message refuse = make_message(MsgType::kRefuse, 6);
  refuse.term = 1;
  Effects r;
  f.m->on_message(at(15_s + 20_ms), 2, refuse, r);
  EXPECT_EQ(f.m->role(), Role::kSlave);
  EXPECT_EQ(f.m->believed_master(), kNoNode);
  EXPECT_TRUE(has_note(r, Note(NoteWhat::kGivesUpCandidacy).because(NoteWhy::kRefusedBy).with_peer(2)));
  EXPECT_TRUE(has_timer(r, T(TspElection::kElectionTimer)));
  (void)first_timeout;
}

TEST(TspElection, CandidateRefusesARivalCandidate) {
  Fixture f = slave_of(6);
  Effects fire;
  f.m->on_timer(at(15_s), T(TspElection::kElectionTimer), fire);
  Message rival = make_message(MsgType::kElection, 1);
  rival.term = 1;
  Effects r;
  f.m->on_message(at(15_s + 1_ms), 4, rival, r);
  // The REFUSE goes out after the answer jitter, reliably.
  EXPECT_TRUE(sends_of(r, MsgType::kRefuse).empty());
  const TimerId id = ack_timer(r);
  Effects send;
  f.m->on_timer(at(15_s + 50_ms), id, send);
  ASSERT_EQ(sends_of(send, MsgType::kRefuse, 4).size(), 1u);
  EXPECT_EQ(f.m->role(), Role::kCandidate);
}

TEST(TspElection, CandidateGivesUpOnMasterUpAndMasterReq) {
  {
    Fixture f = slave_of(6);
    Effects fire;
    f.m->on_timer(at(15_s), T(TspElection::kElectionTimer), fire);
    Effects r;
    f.m->on_message(at(15_s + 1_ms), 7, make_message(MsgType::kMasterUp), r);
    EXPECT_EQ(f.m->role(), Role::kSlave);
    EXPECT_EQ(f.m->believed_master(), 7u);
  }
  {
    Fixture f = slave_of(6);
    Effects fire;
    f.m->on_timer(at(15_s), T(TspElection::kElectionTimer), fire);
    Effects r;
    f.m->on_message(at(15_s + 1_ms), 7, make_message(MsgType::kMasterReq), r);
    EXPECT_EQ(f.m->role(), Role::kSlave);
  }
}

TEST(TspElection, SlaveAcceptsFirstCandidateAndRefusesOthersWithinTheWindow) {
  Fixture f = slave_of(6);
  Message e1 = make_message(MsgType::kElection);
  e1.term = 4;
  Effects a;
  f.m->on_message(at(20_s), 1, e1, a);
  EXPECT_TRUE(has_note(a, Note(NoteWhat::kAcceptsCandidate).with_peer(1)));
  EXPECT_TRUE(has_timer(a, T(TspElection::kElectionTimer)));  // ELECTION restarts the timer
  const TimerId accept_timer = ack_timer(a);
  const Duration jitter = find_timer(a, accept_timer)->after;
  EXPECT_GE(jitter, 1_ms);
  EXPECT_LE(jitter, 100_ms);
  Effects send;
  f.m->on_timer(at(20_s + jitter), accept_timer, send);
  ASSERT_EQ(sends_of(send, MsgType::kAccept, 1).size(), 1u);
  EXPECT_EQ(sends_of(send, MsgType::kAccept, 1)[0].term, 4u);

  Effects b;
  f.m->on_message(at(21_s), 2, e1, b);
  EXPECT_TRUE(has_note(b, Note(NoteWhat::kRefusesCandidate).with_peer(2).with_subject(1)));
  Effects c;
  f.m->on_message(at(26_s), 2, e1, c);  // the 5 s window has passed
  EXPECT_TRUE(has_note(c, Note(NoteWhat::kAcceptsCandidate).with_peer(2)));
}

TEST(TspElection, AcceptIsResentUntilAcknowledged) {
  Fixture f = slave_of(6);
  Message e1 = make_message(MsgType::kElection);
  e1.term = 1;
  Effects a;
  f.m->on_message(at(20_s), 1, e1, a);
  const TimerId id = ack_timer(a);
  int sends = 0;
  std::uint32_t seq = 0;
  for (int i = 0; i < 3; ++i) {  // jitter, then two lost copies
    Effects o;
    f.m->on_timer(at(21_s), id, o);
    auto v = sends_of(o, MsgType::kAccept, 1);
    sends += static_cast<int>(v.size());
    if (!v.empty()) seq = v[0].seq;
  }
  EXPECT_EQ(sends, 3);
  Effects acked;
  f.m->on_message(at(22_s), 1, make_message(MsgType::kElectionAck, seq), acked);
  ASSERT_NE(find_timer(acked, id), nullptr);
  EXPECT_TRUE(find_timer(acked, id)->cancel);
  Effects after;
  f.m->on_timer(at(23_s), id, after);  // a stale firing sends nothing
  EXPECT_TRUE(after.sends().empty());
}

TEST(TspElection, MasterAnswersMasterReqAndQuitsACandidate) {
  Fixture f = lone_master();
  Effects r;
  f.m->on_message(at(10_s), 5, make_message(MsgType::kMasterReq, 42), r);
  ASSERT_EQ(sends_of(r, MsgType::kMasterAck, 5).size(), 1u);
  EXPECT_EQ(sends_of(r, MsgType::kMasterAck, 5)[0].seq, 42u);

  Effects e;
  f.m->on_message(at(11_s), 4, make_message(MsgType::kElection), e);
  auto quits = sends_of(e, MsgType::kQuit, 4);
  ASSERT_EQ(quits.size(), 1u);
  Effects acked;
  f.m->on_message(at(11_s + 2_ms), 4, make_message(MsgType::kElectionAck, quits[0].seq), acked);
  // After a QUIT is acknowledged, MASTERUP collects the candidate's would-be slaves.
  EXPECT_EQ(sends_of(acked, MsgType::kMasterUp).size(), 1u);
  EXPECT_EQ(f.m->role(), Role::kMaster);
}

TEST(TspElection, CandidateToldToQuitFollowsThatMaster) {
  Fixture f = slave_of(6);
  Effects fire;
  f.m->on_timer(at(15_s), T(TspElection::kElectionTimer), fire);
  Effects q;
  f.m->on_message(at(15_s + 3_ms), 6, make_message(MsgType::kQuit, 8), q);
  EXPECT_EQ(sends_of(q, MsgType::kElectionAck, 6).size(), 1u);
  EXPECT_EQ(f.m->role(), Role::kSlave);
  EXPECT_EQ(f.m->believed_master(), 6u);
}

TEST(TspElection, ConflictMakesMasterResolveAndQuitTheOtherMaster) {
  Fixture f = lone_master();
  Effects c;
  f.m->on_message(at(10_s), 1, make_message(MsgType::kConflict, 3), c);
  EXPECT_EQ(sends_of(c, MsgType::kElectionAck, 1).size(), 1u);
  EXPECT_TRUE(has_note(c, Note(NoteWhat::kConflictReported)));
  auto resolve = sends_of(c, MsgType::kResolve);
  ASSERT_EQ(resolve.size(), 1u);
  const TimerId rt = ack_timer(c);

  Effects ans;
  f.m->on_message(at(10_s + 5_ms), 7, make_message(MsgType::kMasterAck, resolve[0].seq), ans);
  auto quit = sends_of(ans, MsgType::kQuit, 7);
  ASSERT_EQ(quit.size(), 1u);
  Effects qa;
  f.m->on_message(at(10_s + 8_ms), 7, make_message(MsgType::kElectionAck, quit[0].seq), qa);
  EXPECT_EQ(sends_of(qa, MsgType::kMasterUp).size(), 1u);

  // End of the wait with an answer: another RESOLVE round; a silent round ends the resolution.
  Effects round2;
  f.m->on_timer(at(10_s + 200_ms), rt, round2);
  auto resolve2 = sends_of(round2, MsgType::kResolve);
  ASSERT_EQ(resolve2.size(), 1u);
  const TimerId rt2 = ack_timer(round2);
  int resolves = 0;
  int masterups = 0;
  for (int i = 0; i < 5; ++i) {
    Effects o;
    f.m->on_timer(at(11_s), rt2, o);
    resolves += static_cast<int>(sends_of(o, MsgType::kResolve).size());
    masterups += static_cast<int>(sends_of(o, MsgType::kMasterUp).size());
  }
  EXPECT_EQ(resolves, 4);
  EXPECT_EQ(masterups, 1);
  EXPECT_EQ(f.m->role(), Role::kMaster);
}

TEST(TspElection, MasterObeysQuitFromAHigherRankedMasterOnly) {
  {
    Fixture f = lone_master();  // won no election: term 0, id 3
    Message q = make_message(MsgType::kQuit, 1);
    q.term = 0;
    Effects o;
    f.m->on_message(at(10_s), 5, q, o);  // same term, higher id: obey
    EXPECT_EQ(f.m->role(), Role::kSlave);
    EXPECT_EQ(f.m->believed_master(), 5u);
    EXPECT_TRUE(has_note(o, Note(NoteWhat::kToldToQuit)));
  }
  {
    Fixture f = lone_master();
    Message q = make_message(MsgType::kQuit, 1);
    q.term = 0;
    Effects o;
    f.m->on_message(at(10_s), 1, q, o);  // lower id: counter with a QUIT of its own
    EXPECT_EQ(f.m->role(), Role::kMaster);
    EXPECT_EQ(sends_of(o, MsgType::kElectionAck, 1).size(), 1u);
    EXPECT_EQ(sends_of(o, MsgType::kQuit, 1).size(), 1u);
  }
}

TEST(TspElection, MasterHearingAnotherMastersLoopOrMasterUpTellsItToQuit) {
  Fixture f = lone_master();
  Effects o;
  f.m->on_message(at(10_s), 6, make_message(MsgType::kLoop), o);
  EXPECT_EQ(sends_of(o, MsgType::kQuit, 6).size(), 1u);
  EXPECT_TRUE(has_note(o, Note(NoteWhat::kLoopFromMaster).with_peer(6)));
  Effects p;
  f.m->on_message(at(11_s), 7, make_message(MsgType::kMasterUp), p);
  EXPECT_EQ(sends_of(p, MsgType::kQuit, 7).size(), 1u);
}

TEST(TspElection, MasterBroadcastsLoopEveryPeriod) {
  Fixture f = lone_master();
  Effects o;
  f.m->on_timer(at(300_s), T(TspElection::kLoopTimer), o);
  ASSERT_EQ(sends_of(o, MsgType::kLoop).size(), 1u);
  EXPECT_EQ(sends_of(o, MsgType::kLoop)[0].hops, 10);
  EXPECT_EQ(find_timer(o, T(TspElection::kLoopTimer))->after, 240_s);
}

TEST(TspElection, SecondMasterAnsweringMasterReqIsReportedAsConflict) {
  Fixture f;
  Effects out;
  f.m->on_start(at(0_s), out);
  const std::uint32_t seq = sends_of(out, MsgType::kMasterReq).at(0).seq;
  Effects a;
  f.m->on_message(at(2_ms), 6, make_message(MsgType::kMasterAck, seq), a);
  Effects b;
  f.m->on_message(at(3_ms), 2, make_message(MsgType::kMasterAck, seq), b);
  EXPECT_TRUE(has_note(b, Note(NoteWhat::kSecondMasterAnswered).with_peer(2)));
  EXPECT_EQ(sends_of(b, MsgType::kConflict, 6).size(), 1u);
  EXPECT_EQ(f.m->believed_master(), 6u);

  // After the 300 ms listening window a late answer is no longer a conflict report.
  Fixture g;
  Effects out2;
  g.m->on_start(at(0_s), out2);
  const std::uint32_t seq2 = sends_of(out2, MsgType::kMasterReq).at(0).seq;
  Effects c;
  g.m->on_message(at(2_ms), 6, make_message(MsgType::kMasterAck, seq2), c);
  Effects d;
  g.m->on_timer(at(302_ms), T(TspElection::kSecondAnswerTimer), d);
  Effects e;
  g.m->on_message(at(400_ms), 2, make_message(MsgType::kMasterAck, seq2), e);
  EXPECT_TRUE(sends_of(e, MsgType::kConflict).empty());
}

TEST(TspElection, SlaveWithoutMasterAdoptsMasterFromLoopOrActivity) {
  Fixture f;
  Effects out;
  f.m->on_start(at(0_s), out);
  Effects o;
  f.m->on_message(at(1_ms), 5, make_message(MsgType::kMasterReq, 77), o);
  const TimerId id = ack_timer(out);
  for (int i = 0; i < 5; ++i) {
    Effects e;
    f.m->on_timer(at(1_s), id, e);
  }
  ASSERT_EQ(f.m->believed_master(), kNoNode);
  Effects act;
  f.m->on_master_activity(2, at(8_s), act);
  EXPECT_EQ(f.m->believed_master(), 2u);
}

// A slave that missed the new master's MASTERUP (a broadcast nobody acknowledges) still follows
// the old one; once that has been silent for the shortest election timeout, the new master's
// synchronization makes it switch instead of standing as a candidate.
TEST(TspElection, OrphanFollowsTheMasterSynchronizingItOnceItsOwnIsSilent) {
  Fixture f = slave_of(6);
  Effects a;
  f.m->on_master_activity(6, at(5_s), a);
  Effects early;
  f.m->on_master_activity(2, at(5_s + 9_s), early);  // n6 heard 9 s ago: the minimum is 10 s
  EXPECT_EQ(f.m->believed_master(), 6u);
  Effects late;
  f.m->on_master_activity(2, at(5_s + 10_s), late);
  EXPECT_EQ(f.m->believed_master(), 2u);
  EXPECT_EQ(f.m->role(), Role::kSlave);
  EXPECT_TRUE(has_note(late, Note(NoteWhat::kSlaveOf).with_subject(2)));
  ASSERT_TRUE(has_timer(late, T(TspElection::kElectionTimer)));
}

TEST(TspElection, SameSeedSameDraws) {
  Fixture a;
  Fixture b;
  EXPECT_EQ(a.m->election_timeout(), b.m->election_timeout());
  auto s = setup_for("tsp", 3, 8, 99);
  TspElection c(s);
  auto s2 = setup_for("tsp", 3, 8, 100);
  TspElection d(s2);
  EXPECT_NE(c.election_timeout(), d.election_timeout());
  EXPECT_GE(c.election_timeout(), 360_s);
  EXPECT_LE(c.election_timeout(), 900_s);
}

TEST(TspElection, MasterLeavingOnShutdownMakesItsSlavesElectAtOnce) {
  Fixture master = lone_master();
  Effects bye;
  master.m->on_shutdown(at(30_s), bye);
  ASSERT_EQ(sends_of(bye, MsgType::kLeave).size(), 1u);
  const Message leave = sends_of(bye, MsgType::kLeave)[0];

  Fixture slave = slave_of(6);
  Effects stranger;
  slave.m->on_message(at(30_s), 2, leave, stranger);  // not its master: ignored
  EXPECT_FALSE(has_timer(stranger, T(TspElection::kElectionTimer)));
  Effects heard;
  slave.m->on_message(at(30_s), 6, leave, heard);
  EXPECT_TRUE(has_note(heard, Note(NoteWhat::kMasterLeft).with_subject(6)));
  const auto* t = find_timer(heard, T(TspElection::kElectionTimer));
  ASSERT_NE(t, nullptr);
  EXPECT_LE(t->after, 100_ms);  // at once, not after the 10 s election timeout
  Effects fire;
  slave.m->on_timer(at(30_s + t->after), T(TspElection::kElectionTimer), fire);
  EXPECT_EQ(slave.m->role(), Role::kCandidate);

  // A slave that accepted the leaving master as a candidate moments ago accepts the next one.
  Fixture voter = slave_of(6);
  Message el = make_message(MsgType::kElection, 77);
  el.term = 1;
  Effects voted;
  voter.m->on_message(at(20_s), 6, el, voted);
  Effects left;
  voter.m->on_message(at(21_s), 6, leave, left);
  Message rival = make_message(MsgType::kElection, 78);
  rival.term = 1;
  Effects answer;
  voter.m->on_message(at(21_s + 10_ms), 2, rival, answer);
  Effects sent;
  for (const auto& t : answer.timers()) voter.m->on_timer(at(21_s + 200_ms), t.id, sent);
  EXPECT_TRUE(sends_of(sent, MsgType::kRefuse).empty() && sends_of(answer, MsgType::kRefuse).empty());

  Fixture follower = slave_of(6);
  Effects none;
  follower.m->on_shutdown(at(30_s), none);  // a slave leaves quietly
  EXPECT_TRUE(sends_of(none, MsgType::kLeave).empty());
}

// A LEAVE that names a successor: the successor stands at once, every other slave gives it two
// candidate windows (3 s each by default) before racing; a LEAVE without the flag (an older
// sender's, whose value_ns is 0) names nobody, not node 0.
TEST(TspElection, TheSuccessorALeaveNamesStandsAtOnceAndTheOthersWaitForIt) {
  Message leave = make_message(MsgType::kLeave);
  leave.subject = 6;
  leave.flags = kLeaveNamesSuccessor;
  leave.value_ns = 3;
  Fixture successor = slave_of(6);  // node 3
  Effects own;
  successor.m->on_message(at(30_s), 6, leave, own);
  const auto* now_timer = find_timer(own, T(TspElection::kElectionTimer));
  ASSERT_NE(now_timer, nullptr);
  EXPECT_EQ(now_timer->after, Duration::zero());

  Fixture other = slave_of(6, 4);
  Effects waits;
  other.m->on_message(at(30_s), 6, leave, waits);
  const auto* later = find_timer(waits, T(TspElection::kElectionTimer));
  ASSERT_NE(later, nullptr);
  EXPECT_GE(later->after, 6_s);
  EXPECT_LE(later->after, 6_s + 100_ms);

  Message old_style = make_message(MsgType::kLeave);
  old_style.subject = 6;
  old_style.value_ns = 0;
  Fixture zero = slave_of(6, 0);
  Effects plain;
  zero.m->on_message(at(30_s), 6, old_style, plain);
  const auto* race = find_timer(plain, T(TspElection::kElectionTimer));
  ASSERT_NE(race, nullptr);
  EXPECT_LE(race->after, 100_ms) << "a LEAVE without the flag names no successor";
}

}  // namespace tsp_election_test
}  // namespace clocksim::election

namespace clocksim::election {
namespace tsp_election_test {

// timed's trusted set (-F): node 5 is not trusted.
std::unique_ptr<TspElection> trusting_node(NodeId self) {
  auto s = setup_for("tsp", self, 8);
  s.params.set("timeout", DurationRange{10_s, 10_s});
  s.params.set("trusted", std::string("0,1,2,3,4,6,7"));
  return std::make_unique<TspElection>(s);
}

TEST(TspTrust, SlaveTellsAnUntrustedCandidateToQuitAndIgnoresItsMasterUp) {
  auto m = trusting_node(3);
  Effects out;
  m->on_start(at(0_s), out);
  Effects e;
  Message election = make_message(MsgType::kElection, 9);
  election.term = 1;
  m->on_message(at(1_s), 5, election, e);
  EXPECT_TRUE(has_note(e, Note(NoteWhat::kUntrustedMaster).with_peer(5).with_election({5, 1})));
  EXPECT_TRUE(sends_of(e, MsgType::kAccept, 5).empty());
  // The QUIT leaves after the answer jitter, reliably.
  Effects later;
  m->on_timer(at(1_s + 200_ms), ack_timer(e), later);
  auto quits = sends_of(later, MsgType::kQuit, 5);
  ASSERT_EQ(quits.size(), 1u);
  EXPECT_EQ(quits[0].flags & kQuitUntrusted, kQuitUntrusted);
  // Its MASTERUP is not followed.
  Effects up;
  m->on_message(at(2_s), 5, make_message(MsgType::kMasterUp, 10), up);
  EXPECT_NE(m->believed_master(), 5u);
  EXPECT_TRUE(sends_of(up, MsgType::kSlaveUp, 5).empty());
}

TEST(TspTrust, CandidateToldToQuitByAnUntrustingSlaveFollowsNobody) {
  Fixture f = slave_of(6);
  Effects fire;
  f.m->on_timer(at(15_s), T(TspElection::kElectionTimer), fire);
  ASSERT_EQ(f.m->role(), Role::kCandidate);
  Message q = make_message(MsgType::kQuit, 8);
  q.flags = kQuitUntrusted;
  Effects out;
  f.m->on_message(at(15_s + 3_ms), 2, q, out);
  EXPECT_EQ(f.m->role(), Role::kSlave);
  EXPECT_EQ(f.m->believed_master(), kNoNode);
}

// An untrusted node's QUIT that claims to outrank (a later election, no kQuitUntrusted flag) is
// what a lying member sends to take the mastership: neither a master nor a candidate may become
// its slave, since it would then follow a master its sync layer may not be told to distrust.
TEST(TspTrust, NeitherMasterNorCandidateFollowsAnUntrustedNodesQuit) {
  auto m = trusting_node(3);
  Effects start;
  m->on_start(at(0_s), start);
  const TimerId id = ack_timer(start);
  for (int i = 0; i < 5; ++i) {
    Effects o;
    m->on_timer(at(1_s * (i + 1)), id, o);
  }
  ASSERT_EQ(m->role(), Role::kMaster);
  Message q = make_message(MsgType::kQuit, 8);
  q.term = std::numeric_limits<std::uint32_t>::max();
  Effects out;
  m->on_message(at(20_s), 5, q, out);
  EXPECT_EQ(m->role(), Role::kMaster) << "the master obeyed an untrusted node's QUIT";
  EXPECT_EQ(m->believed_master(), 3u);
  EXPECT_EQ(sends_of(out, MsgType::kQuit, 5).size(), 1u) << "the rival is told to quit in turn";

  auto c = trusting_node(3);
  Effects cs;
  c->on_start(at(0_s), cs);
  Message ack = make_message(MsgType::kMasterAck, sends_of(cs, MsgType::kMasterReq).at(0).seq);
  Effects joined;
  c->on_message(at(10_ms), 6, ack, joined);
  Effects fire;
  c->on_timer(at(15_s), T(TspElection::kElectionTimer), fire);
  ASSERT_EQ(c->role(), Role::kCandidate);
  Effects told;
  c->on_message(at(15_s + 3_ms), 5, q, told);
  EXPECT_NE(c->believed_master(), 5u) << "the candidate became an untrusted node's slave";
}

// A starting node follows the first master that answers its MASTERREQ; an untrusted node that
// answers first (any member hears the broadcast) must not become its master.
TEST(TspTrust, StartingNodeIgnoresAnUntrustedNodesMasterAck) {
  auto m = trusting_node(3);
  Effects start;
  m->on_start(at(0_s), start);
  const std::uint32_t req = sends_of(start, MsgType::kMasterReq).at(0).seq;
  Message ack = make_message(MsgType::kMasterAck, req);
  ack.term = std::numeric_limits<std::uint32_t>::max();
  Effects lied;
  m->on_message(at(5_ms), 5, ack, lied);
  EXPECT_NE(m->believed_master(), 5u) << "followed an untrusted node's MASTERACK";
  EXPECT_TRUE(sends_of(lied, MsgType::kSlaveUp, 5).empty());
  // The trusted master's answer is still taken.
  Effects honest;
  m->on_message(at(10_ms), 6, make_message(MsgType::kMasterAck, req), honest);
  EXPECT_EQ(m->believed_master(), 6u);
  EXPECT_EQ(sends_of(honest, MsgType::kSlaveUp, 6).size(), 1u);
}

// A leaving master names the lowest supporter that may lead as its successor; a supporter it
// does not trust (the others would tell it to QUIT) must not be the one named.
TEST(TspTrust, LeavingMasterNeverNamesAnUntrustedSuccessor) {
  auto m = trusting_node(3);
  Effects start;
  m->on_start(at(0_s), start);
  Effects joined;
  m->on_message(at(10_ms), 6, make_message(MsgType::kMasterAck, sends_of(start, MsgType::kMasterReq).at(0).seq), joined);
  Effects fire;
  m->on_timer(at(15_s), T(TspElection::kElectionTimer), fire);
  ASSERT_EQ(m->role(), Role::kCandidate);
  const std::uint32_t term = sends_of(fire, MsgType::kElection).at(0).term;
  for (NodeId supporter : {5u, 7u}) {  // 5 is not trusted, and the lower id
    Message acc = make_message(MsgType::kAccept, 900 + supporter);
    acc.term = term;
    Effects a;
    m->on_message(at(15_s + 50_ms), supporter, acc, a);
  }
  Effects win;
  m->on_timer(at(18_s), T(TspElection::kCandidateTimer), win);
  ASSERT_EQ(m->role(), Role::kMaster);
  Effects bye;
  m->on_shutdown(at(30_s), bye);
  const auto leaves = sends_of(bye, MsgType::kLeave);
  ASSERT_EQ(leaves.size(), 1u);
  ASSERT_TRUE(leaves[0].flags & kLeaveNamesSuccessor);
  EXPECT_EQ(leaves[0].value_ns, 7) << "named an untrusted successor";
}

TEST(TspTrust, MasterStepsDownOnAnUntrustingQuit) {
  Fixture f = lone_master();
  Message q = make_message(MsgType::kQuit, 8);
  q.flags = kQuitUntrusted;
  Effects out;
  f.m->on_message(at(20_s), 2, q, out);
  EXPECT_EQ(f.m->role(), Role::kSlave);
  EXPECT_EQ(f.m->believed_master(), kNoNode);
  EXPECT_TRUE(has_note(out, Note(NoteWhat::kQuitObeyed).with_peer(2)));
  EXPECT_EQ(sends_of(out, MsgType::kElectionAck, 2).size(), 1u);
}

}  // namespace tsp_election_test
}  // namespace clocksim::election
