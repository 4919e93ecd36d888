// The Berkeley master driven directly: scripted slaves, the master's own clock as the only time.
#include <gtest/gtest.h>

#include "algorithms/berkeley/berkeley.hpp"
#include "tests/algorithms/berkeley/master_harness.hpp"

namespace clocksim::berkeley {
namespace {

using namespace literals;
using testing::count_notes;
using testing::members_of;
using testing::run_round;
using testing::ScriptedSlave;

constexpr std::int64_t kMs = 1'000'000;

Membership membership(NodeId self, NodeId n) { return Membership{self, members_of(n)}; }

std::map<NodeId, ScriptedSlave> slaves_with_offsets_ms(const std::vector<std::int64_t>& offsets_ms) {
  std::map<NodeId, ScriptedSlave> s;
  for (std::size_t i = 0; i < offsets_ms.size(); ++i) s[static_cast<NodeId>(i + 1)].offset_ns = offsets_ms[i] * kMs;
  return s;
}

// Exact arithmetic (no 5 ms quantum, no 1 ms resolution): the tests below check the state
// machine's numbers to the nanosecond; timed's arithmetic has its own tests.
// What the stack does at a start when the election (static or not) names this node master.
void start_as_master(Berkeley& b, LocalTime now, Effects& out) {
  b.on_start(now, out);
  b.lead(now, out);
}

BerkeleyConfig exact() {
  BerkeleyConfig c;
  c.quantum = Duration::zero();
  c.resolution = Duration::zero();
  return c;
}

testing::RoundResult start_and_run(Berkeley& b, std::map<NodeId, ScriptedSlave>& slaves) {
  return run_round(b, LocalTime::epoch(), slaves, [&](Effects& out) { start_as_master(b, LocalTime::epoch(), out); });
}

// shared/docs/bounds.md §5 through the whole state machine with timed's arithmetic: 1 ms
// resolution, 5 ms quantum, the 4.3 window. Zero latency, so every delta is exact.
TEST(BerkeleyMaster, TimedCheckerVectorFullRound) {
  BerkeleyConfig c = exact();
  c.resolution = 1_ms;
  c.quantum = 5_ms;
  Berkeley master(membership(0, 6), c, 1);
  auto slaves = slaves_with_offsets_ms({12, -7, 3, 250, 15});  // A..E = n1..n5
  const auto r = start_and_run(master, slaves);
  ASSERT_EQ(master.rounds_completed(), 1u);
  EXPECT_EQ(master.last_average_ns(), 7 * kMs);
  ASSERT_EQ(r.own_clock.size(), 1u);
  EXPECT_EQ(r.own_clock[0].delta, 5_ms);
  EXPECT_EQ(r.own_clock[0].mode, AdjustMode::kSlew);
  const std::map<NodeId, std::int64_t> want = {{1, -5}, {2, 15}, {3, 5}, {4, -245}, {5, -10}};
  ASSERT_EQ(r.adjusts.size(), 5u);
  for (auto [id, ms] : want) EXPECT_EQ(r.adjusts.at(id).value_ns, ms * kMs) << "n" << id;
  // B (-7) and D (+250) were outside the window.
  EXPECT_EQ(count_notes(r.notes, EventKind::kOutlier), 2);
  EXPECT_EQ(count_notes(r.notes, EventKind::kRoundComplete), 1);
  // Five good replies end a measurement: 5 probes per slave.
  for (NodeId id = 1; id <= 5; ++id) EXPECT_EQ(r.probes_sent.at(id), 5);
}

// Same vector in nanoseconds and without rounding: avg is exactly 7.5 ms.
TEST(BerkeleyMaster, CheckerVectorWithoutTimedRounding) {
  Berkeley master(membership(0, 6), exact(), 1);
  auto slaves = slaves_with_offsets_ms({12, -7, 3, 250, 15});
  const auto r = start_and_run(master, slaves);
  EXPECT_EQ(master.last_average_ns(), 7'500'000);
  EXPECT_EQ(r.own_clock.at(0).delta, Duration::from_ns(7'500'000));
  EXPECT_EQ(r.adjusts.at(1).value_ns, 7'500'000 - 12 * kMs);
  EXPECT_EQ(r.adjusts.at(4).value_ns, 7'500'000 - 250 * kMs);
}

// Tanenbaum & van Steen: master 3:00, slaves 2:50 and 3:25 -> average 3:05; the master moves
// +5 min, slave 1 +15 min, slave 2 -20 min. Textbook = plain average; these are steps (>= 20 s).
TEST(BerkeleyMaster, TextbookExample) {
  BerkeleyConfig c = exact();
  c.average = AverageRule::kPlain;
  Berkeley master(membership(0, 3), c, 1);
  std::map<NodeId, ScriptedSlave> slaves;
  slaves[1].offset_ns = (-10_min).ns();
  slaves[2].offset_ns = (25_min).ns();
  const auto r = start_and_run(master, slaves);
  EXPECT_EQ(r.own_clock.at(0).delta, 5_min);
  EXPECT_EQ(r.own_clock.at(0).mode, AdjustMode::kStep);
  // The master's own correction rests on both slaves' readings (for the clock guard).
  EXPECT_EQ(r.evidence.consulted, 2u);
  ASSERT_EQ(r.evidence.witnesses.size(), 2u);
  EXPECT_EQ(r.evidence.witnesses[0].member, 1u);
  EXPECT_EQ(r.evidence.witnesses[0].offset, -10_min);
  EXPECT_EQ(r.evidence.witnesses[1].member, 2u);
  EXPECT_EQ(r.evidence.witnesses[1].offset, 25_min);
  // Minutes off: timed 4.4 sends each its new time (SETTIME), the master's corrected time.
  EXPECT_EQ(r.adjusts.at(1).type, MsgType::kSetTime);
  EXPECT_EQ(r.adjusts.at(1).value_ns, r.end.ns() + (5_min).ns());
  EXPECT_EQ(r.adjusts.at(2).value_ns, r.end.ns() + (5_min).ns());
  // As relative ADJTIMEs (settime_threshold 0): the textbook's +15 and −20 minutes.
  c.settime_threshold = Duration::zero();
  Berkeley adjtime_only(membership(0, 3), c, 1);
  const auto a = start_and_run(adjtime_only, slaves);
  EXPECT_EQ(a.adjusts.at(1).type, MsgType::kAdjust);
  EXPECT_EQ(a.adjusts.at(1).value_ns, (15_min).ns());
  EXPECT_EQ(a.adjusts.at(2).value_ns, (-20_min).ns());
}

// bounds.md §2: θ = +25 ms, d_fwd = 3 ms, d_back = 1 ms: out 28, in -24, θ̂ = 26 ms.
// Naive (no round-trip compensation): the reply's stamp as if it arrived at once: θ - d_back.
TEST(BerkeleyMaster, RoundTripCompensationAndNaive) {
  for (bool compensate : {true, false}) {
    BerkeleyConfig c = exact();
    c.probes = 1;
    c.good_replies = 1;
    c.round_trip_compensation = compensate;
    c.average = AverageRule::kPlain;
    Berkeley master(membership(0, 2), c, 1);
    std::map<NodeId, ScriptedSlave> slaves;
    slaves[1].offset_ns = 25 * kMs;
    slaves[1].delays = [](int) { return std::make_optional(std::make_pair(3_ms, 1_ms)); };
    const auto r = start_and_run(master, slaves);
    const std::int64_t delta = compensate ? 26 * kMs : 24 * kMs;
    // Plain average of {0, delta} = delta/2; the slave is told avg - delta.
    EXPECT_EQ(r.adjusts.at(1).value_ns, delta / 2 - delta) << compensate;
  }
}

// timed keeps min outbound and min inbound from different probes; Cristian keeps one exchange.
TEST(BerkeleyMaster, TimedMinFilterVersusCristianMinRtt) {
  auto delays = [](int k) {
    // Probe 0: slow out, fast back. Probe 1: fast out, slow back. Same round trip.
    return std::make_optional(k % 2 == 0 ? std::make_pair(5_ms, 1_ms) : std::make_pair(1_ms, 5_ms));
  };
  for (auto method : {MeasurementMethod::kTimed, MeasurementMethod::kCristian}) {
    BerkeleyConfig c = exact();
    c.measurement = method;
    c.good_replies = 2;
    c.average = AverageRule::kPlain;
    Berkeley master(membership(0, 2), c, 1);
    std::map<NodeId, ScriptedSlave> slaves;
    slaves[1].offset_ns = 10 * kMs;
    slaves[1].delays = delays;
    const auto r = start_and_run(master, slaves);
    // timed: min_out = 10+1, min_in = -10+1 -> exactly 10 ms. Cristian: the first of two equal
    // round trips, (15 - (-9))/2 = 12 ms.
    const std::int64_t delta = method == MeasurementMethod::kTimed ? 10 * kMs : 12 * kMs;
    EXPECT_EQ(r.adjusts.at(1).value_ns, delta / 2 - delta);
  }
}

TEST(BerkeleyMaster, CristianKeepsSmallestRoundTrip) {
  BerkeleyConfig c = exact();
  c.measurement = MeasurementMethod::kCristian;
  c.good_replies = 3;
  c.average = AverageRule::kPlain;
  Berkeley master(membership(0, 2), c, 1);
  std::map<NodeId, ScriptedSlave> slaves;
  slaves[1].offset_ns = 0;
  slaves[1].delays = [](int k) {
    const std::pair<Duration, Duration> d[3] = {{8_ms, 2_ms}, {2_ms, 1_ms}, {1_ms, 9_ms}};
    return std::make_optional(d[k]);
  };
  const auto r = start_and_run(master, slaves);
  // Round trips 10, 3, 10 ms: the second wins, (2 - 1)/2 = 0.5 ms.
  EXPECT_EQ(r.adjusts.at(1).value_ns, 250'000 - 500'000);
}

// A silent slave: every probe times out, it is skipped and counted, the others are corrected.
TEST(BerkeleyMaster, LostRepliesSkipTheSlave) {
  BerkeleyConfig c = exact();
  c.average = AverageRule::kPlain;
  Berkeley master(membership(0, 3), c, 1);
  std::map<NodeId, ScriptedSlave> slaves;
  slaves[1].offset_ns = 4 * kMs;
  slaves[2].delays = [](int) { return std::optional<std::pair<Duration, Duration>>(); };
  const auto r = start_and_run(master, slaves);
  EXPECT_EQ(r.probes_sent.at(2), 10);  // TRIALS
  EXPECT_EQ(count_notes(r.notes, EventKind::kPeerUnreachable), 1);
  EXPECT_EQ(r.adjusts.count(2), 0u);
  EXPECT_EQ(r.adjusts.at(1).value_ns, 2 * kMs - 4 * kMs);  // avg of {0, 4}
  EXPECT_EQ(r.end - LocalTime::epoch(), 10 * 100_ms);       // ten 100 ms probe waits
}

TEST(BerkeleyMaster, SomeRepliesLostStillMeasures) {
  BerkeleyConfig c = exact();
  c.average = AverageRule::kPlain;
  Berkeley master(membership(0, 2), c, 1);
  std::map<NodeId, ScriptedSlave> slaves;
  slaves[1].offset_ns = 6 * kMs;
  slaves[1].delays = [](int k) {
    return k % 2 == 0 ? std::optional<std::pair<Duration, Duration>>() : std::make_optional(std::make_pair(1_ms, 1_ms));
  };
  const auto r = start_and_run(master, slaves);
  EXPECT_EQ(r.probes_sent.at(1), 10);  // 5 lost + 5 good
  EXPECT_EQ(r.adjusts.at(1).value_ns, 3 * kMs - 6 * kMs);
  EXPECT_EQ(count_notes(r.notes, EventKind::kPeerUnreachable), 0);
}

TEST(BerkeleyMaster, MeasureCapStopsProbing) {
  BerkeleyConfig c = exact();
  c.probe_timeout = 1_s;
  c.measure_cap = 2500_ms;
  Berkeley master(membership(0, 2), c, 1);
  std::map<NodeId, ScriptedSlave> slaves;
  slaves[1].delays = [](int) { return std::optional<std::pair<Duration, Duration>>(); };
  const auto r = start_and_run(master, slaves);
  EXPECT_EQ(r.probes_sent.at(1), 3);  // at 0, 1 s, 2 s; at 3 s the cap has passed
}

Message reply_to(const Message& req, std::int64_t slave_reading_ns) {
  Message r = make_message(MsgType::kTimeReply, req.seq);
  r.term = req.term;
  r.t1_ns = req.t1_ns;
  r.t2_ns = slave_reading_ns;
  r.t3_ns = slave_reading_ns;
  return r;
}

const Message* first_send(const Effects& out, MsgType type, NodeId to) {
  for (const auto& s : out.sends()) {
    if (s.msg.type == type && s.to == to) return &s.msg;
  }
  return nullptr;
}

// A slave answers only after its probe timed out and the master moved on: discarded by seq.
TEST(BerkeleyMaster, LateReplyDiscardedBySequence) {
  BerkeleyConfig c = exact();
  c.probes = 1;
  c.average = AverageRule::kPlain;
  Berkeley master(membership(0, 3), c, 1);
  Effects out;
  start_as_master(master, LocalTime::epoch(), out);
  const Message probe1 = *first_send(out, MsgType::kTimeRequest, 1);
  out.clear();
  // n1 silent for 100 ms: the master gives up on it and probes n2.
  master.on_timer(LocalTime::from_ns((100_ms).ns()), kProbeTimer, out);
  EXPECT_EQ(count_notes(out.notes(), EventKind::kPeerUnreachable), 1);
  const Message probe2 = *first_send(out, MsgType::kTimeRequest, 2);
  out.clear();
  // n1's reply now arrives (it claims a 900 ms offset): discarded, noted.
  master.on_message(LocalTime::from_ns((150_ms).ns()), 1, reply_to(probe1, (900_ms).ns()), out);
  EXPECT_EQ(count_notes(out.notes(), EventKind::kLateReply), 1);
  EXPECT_TRUE(out.sends().empty());
  out.clear();
  // n2 answers its own probe with offset 0 (zero delay): the round completes without n1.
  master.on_message(LocalTime::from_ns((100_ms).ns()), 2, reply_to(probe2, (100_ms).ns()), out);
  EXPECT_EQ(master.rounds_completed(), 1u);
  EXPECT_EQ(first_send(out, MsgType::kAdjust, 1), nullptr);
  ASSERT_NE(first_send(out, MsgType::kAdjust, 2), nullptr);
  EXPECT_EQ(first_send(out, MsgType::kAdjust, 2)->value_ns, 0);
  // A reply of a finished round is late too.
  out.clear();
  master.on_message(LocalTime::from_ns((200_ms).ns()), 2, reply_to(probe2, (200_ms).ns()), out);
  EXPECT_EQ(count_notes(out.notes(), EventKind::kLateReply), 1);
}

// A duplicated reply counts once; reordered replies of the same slave both count.
TEST(BerkeleyMaster, DuplicatedAndReorderedReplies) {
  BerkeleyConfig c = exact();
  c.good_replies = 2;
  c.average = AverageRule::kPlain;
  Berkeley master(membership(0, 2), c, 1);
  Effects out;
  start_as_master(master, LocalTime::epoch(), out);
  const Message p1 = *first_send(out, MsgType::kTimeRequest, 1);
  out.clear();
  // p1 times out, p2 goes out at 100 ms.
  master.on_timer(LocalTime::from_ns((100_ms).ns()), kProbeTimer, out);
  const Message p2 = *first_send(out, MsgType::kTimeRequest, 1);
  EXPECT_NE(p1.seq, p2.seq);
  out.clear();
  // Reordered: p2's reply first (slave offset +10 ms, 1 ms each way), then p1's (slow out).
  master.on_message(LocalTime::from_ns((102_ms).ns()), 1, reply_to(p2, (111_ms).ns()), out);
  EXPECT_EQ(master.rounds_completed(), 0u);
  // p1 still outstanding: no new probe yet.
  EXPECT_EQ(first_send(out, MsgType::kTimeRequest, 1), nullptr);
  out.clear();
  // Duplicate of p2: ignored, the measurement does not finish on it.
  master.on_message(LocalTime::from_ns((103_ms).ns()), 1, reply_to(p2, (111_ms).ns()), out);
  EXPECT_EQ(master.rounds_completed(), 0u);
  EXPECT_TRUE(out.empty());
  // p1's reply (sent at 0, slave stamped 50 ms + 10 ms, back at 104 ms): second good reply.
  master.on_message(LocalTime::from_ns((104_ms).ns()), 1, reply_to(p1, (60_ms).ns()), out);
  ASSERT_EQ(master.rounds_completed(), 1u);
  // out: p2 gives 11, p1 gives 60 -> min 11 ms; in: p2 -9, p1 44 -> min -9: θ̂ = 10 ms.
  EXPECT_EQ(first_send(out, MsgType::kAdjust, 1)->value_ns, 5 * kMs - 10 * kMs);
}

TEST(BerkeleyMaster, NextRoundAfterPeriodMinusRoundTime) {
  BerkeleyConfig c = exact();
  c.period = 10_s;
  Berkeley master(membership(0, 2), c, 1);
  std::map<NodeId, ScriptedSlave> slaves;
  slaves[1].delays = [](int) { return std::make_optional(std::make_pair(1_ms, 1_ms)); };
  const auto r = start_and_run(master, slaves);
  // 5 probes of 2 ms: the round took 10 ms; the next starts 10 s after this one started.
  EXPECT_EQ(r.end - LocalTime::epoch(), 10_ms);
  ASSERT_TRUE(r.next_round.has_value());
  EXPECT_EQ(*r.next_round, 10_s - 10_ms);
  Effects out;
  master.on_timer(LocalTime::from_ns((10_s).ns()), kRoundTimer, out);
  EXPECT_TRUE(master.round_in_progress());
  EXPECT_NE(first_send(out, MsgType::kTimeRequest, 1), nullptr);
}

TEST(BerkeleyMaster, AcksendRetriesThenGivesUp) {
  BerkeleyConfig c = exact();
  c.probes = 1;
  Berkeley master(membership(0, 2), c, 1);
  Effects out;
  start_as_master(master, LocalTime::epoch(), out);
  const Message p = *first_send(out, MsgType::kTimeRequest, 1);
  out.clear();
  master.on_message(LocalTime::epoch(), 1, reply_to(p, 0), out);
  const Message adj = *first_send(out, MsgType::kAdjust, 1);
  Duration wait = Duration::zero();
  for (const auto& t : out.timers()) {
    if (t.id == ack_timer(1)) wait = t.after;
  }
  EXPECT_EQ(wait, 200_ms);
  // An ACK with the wrong seq is ignored.
  out.clear();
  master.on_message(LocalTime::epoch(), 1, make_message(MsgType::kAck, adj.seq + 1), out);
  EXPECT_TRUE(out.empty());
  // Four resends at doubling waits: 400, 800, 1600, 3200 ms; then it gives up.
  const Duration want[] = {400_ms, 800_ms, 1600_ms, 3200_ms};
  for (Duration w : want) {
    out.clear();
    master.on_timer(LocalTime::epoch(), ack_timer(1), out);
    ASSERT_NE(first_send(out, MsgType::kAdjust, 1), nullptr);
    EXPECT_EQ(first_send(out, MsgType::kAdjust, 1)->seq, adj.seq);
    EXPECT_EQ(out.timers().at(0).after, w);
  }
  out.clear();
  master.on_timer(LocalTime::epoch(), ack_timer(1), out);
  EXPECT_TRUE(out.sends().empty());
  EXPECT_EQ(count_notes(out.notes(), EventKind::kPeerUnreachable), 1);
}

TEST(BerkeleyMaster, AckStopsRetries) {
  BerkeleyConfig c = exact();
  c.probes = 1;
  Berkeley master(membership(0, 2), c, 1);
  Effects out;
  start_as_master(master, LocalTime::epoch(), out);
  const Message p = *first_send(out, MsgType::kTimeRequest, 1);
  out.clear();
  master.on_message(LocalTime::epoch(), 1, reply_to(p, 0), out);
  const Message adj = *first_send(out, MsgType::kAdjust, 1);
  out.clear();
  master.on_message(LocalTime::epoch(), 1, make_message(MsgType::kAck, adj.seq), out);
  ASSERT_EQ(out.timers().size(), 1u);
  EXPECT_TRUE(out.timers()[0].cancel);
  out.clear();
  master.on_timer(LocalTime::epoch(), ack_timer(1), out);
  EXPECT_TRUE(out.empty());
}

TEST(BerkeleyMaster, OutlierExcludedByFaultTolerantButPullsPlain) {
  auto run = [](AverageRule rule) {
    BerkeleyConfig c = exact();
    c.average = rule;
    Berkeley master(membership(0, 5), c, 1);
    auto slaves = slaves_with_offsets_ms({1, 2, 3, 600'000});  // n4 ten minutes ahead
    auto r = start_and_run(master, slaves);
    return std::make_pair(master.last_average_ns(), count_notes(r.notes, EventKind::kOutlier));
  };
  const auto ft = run(AverageRule::kFaultTolerant);
  EXPECT_EQ(ft.first, 1'500'000);  // (0+1+2+3)/4 ms
  EXPECT_EQ(ft.second, 1);
  const auto plain = run(AverageRule::kPlain);
  EXPECT_EQ(plain.first, 600'006 * kMs / 5);  // two minutes: everyone is pulled
  EXPECT_EQ(plain.second, 0);
}

// Rate correction: a slave 50 ppm fast. Corrections are applied at once (zero latency) and the
// slave's offset evolves by its rate between rounds; after rate_window rounds the master sends
// a frequency correction that cancels the drift.
TEST(BerkeleyMaster, RateCorrectionFitsTheDrift) {
  BerkeleyConfig c = exact();
  c.period = 10_s;
  c.rate_correction = true;
  c.rate_window = 4;
  c.average = AverageRule::kPlain;
  Berkeley master(membership(0, 2), c, 1);
  std::map<NodeId, ScriptedSlave> slaves;
  slaves[1].offset_ns = 3 * kMs;
  const double natural_ppb = 50'000;
  double rate_corr_ppb = 0;
  LocalTime now = LocalTime::epoch();
  std::vector<std::int64_t> rate_sent;
  for (int round = 0; round < 8; ++round) {
    auto r = run_round(master, now, slaves, [&](Effects& out) {
      if (round == 0) {
        start_as_master(master, now, out);
      } else {
        master.on_timer(now, kRoundTimer, out);
      }
    });
    const Message& adj = r.adjusts.at(1);
    const std::int64_t own = r.own_clock.empty() ? 0 : r.own_clock[0].delta.ns();
    slaves[1].offset_ns += adj.value_ns - own;  // applied at once
    if ((adj.flags & kAdjustHasRate) != 0) {
      rate_corr_ppb = static_cast<double>(adj.rate_ppb);
      rate_sent.push_back(adj.rate_ppb);
    }
    // Ten seconds pass: the slave drifts at natural + correction.
    slaves[1].offset_ns += static_cast<std::int64_t>((natural_ppb + rate_corr_ppb) * 1e-9 * 1e10);
    now = now + 10_s;
  }
  ASSERT_EQ(rate_sent.size(), 5u);  // from the 4th round on
  // Measurements are taken a few ns apart from the round start, so the fit is exact to < 1 ppb.
  for (std::int64_t ppb : rate_sent) EXPECT_NEAR(static_cast<double>(ppb), -natural_ppb, 2.0);
  // Drift gone: the last measured offset before correction is ~0 (only the 3 ms start, halved
  // each round by the plain average of two).
  EXPECT_LT(std::llabs(slaves[1].offset_ns), 1000);
}

TEST(BerkeleyMaster, RateCorrectionIsClamped) {
  BerkeleyConfig c = exact();
  c.rate_correction = true;
  c.rate_window = 2;
  c.max_rate_correction_ppm = 10;
  c.average = AverageRule::kPlain;
  Berkeley master(membership(0, 2), c, 1);
  std::map<NodeId, ScriptedSlave> slaves;
  slaves[1].offset_ns = 0;
  LocalTime now = LocalTime::epoch();
  Message last;
  for (int round = 0; round < 2; ++round) {
    auto r = run_round(master, now, slaves, [&](Effects& out) {
      if (round == 0) start_as_master(master, now, out); else master.on_timer(now, kRoundTimer, out);
    });
    last = r.adjusts.at(1);
    slaves[1].offset_ns += last.value_ns - (r.own_clock.empty() ? 0 : r.own_clock[0].delta.ns());
    slaves[1].offset_ns += (240_ms).ns();  // 1000 ppm over the 240 s period
    now = now + c.period;
  }
  ASSERT_NE(last.flags & kAdjustHasRate, 0);
  EXPECT_EQ(last.rate_ppb, -10'000);
}

}  // namespace
}  // namespace clocksim::berkeley
