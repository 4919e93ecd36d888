#include "algorithms/ntp/ntp.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "algorithms/ntp/ntp_message.hpp"

namespace clocksim::ntp {
namespace {

using namespace literals;

std::shared_ptr<const std::vector<NodeId>> members(NodeId n) {
  auto v = std::make_shared<std::vector<NodeId>>();
  for (NodeId i = 0; i < n; ++i) v->push_back(i);
  return v;
}

NtpConfig fast_config() {
  NtpConfig c;
  c.minpoll = 4;
  c.maxpoll = 6;
  c.stepout = Duration::zero();
  return c;
}

// Drives one Ntp object by hand: fires its timers in time order and answers its requests as
// servers whose clocks are `offset` ahead of this node's and `delay` away each way.
class Harness {
 public:
  Harness(NodeId self, NodeId n, NtpHost host, NtpConfig config = fast_config())
      : ntp_(Membership{self, members(n)}, config, std::move(host), 7) {
    ntp_.on_start(now_, out_);
    ntp_.follow(0, now_, out_);  // what the stack does under the static election: n0 leads
    absorb();
  }
  Ntp& ntp() { return ntp_; }
  LocalTime now() const { return now_; }

  // Runs until local time `until`, answering every request with `reply_for(server)`.
  template <class ReplyFn>
  void run(LocalTime until, ReplyFn reply_for) {
    while (true) {
      auto next = std::min_element(timers_.begin(), timers_.end(),
                                   [](const auto& a, const auto& b) { return a.second < b.second; });
      if (next == timers_.end() || next->second > until) break;
      now_ = next->second;
      const TimerId id = next->first;
      timers_.erase(next);
      out_.clear();
      ntp_.on_timer(now_, id, out_);
      absorb();
      // Answer requests (delivered at once: the harness only moves timestamps).
      auto sends = out_.sends();
      const bool read_ref = out_.reference_read_requested();
      for (const auto& s : sends) {
        if (s.msg.type != MsgType::kNtpRequest) continue;
        const auto reply = reply_for(s.to, s.msg);
        if (!reply) continue;
        out_.clear();
        ntp_.on_message(now_, s.to, *reply, out_);
        absorb();
      }
      if (read_ref) {
        out_.clear();
        ReferenceReading r;
        r.local = now_;
        r.reference_ns = now_.ns() + reference_offset_.ns();
        ntp_.on_reference(now_, r, out_);
        absorb();
      }
    }
  }
  void set_reference_offset(Duration d) { reference_offset_ = d; }
  Duration stepped() const { return stepped_; }
  double rate_ppm() const { return rate_ppm_; }
  int notes_of(NoteWhat w) const { return note_counts_[static_cast<int>(w)]; }
  const std::vector<Note>& notes() const { return notes_; }

 private:
  void absorb() {
    for (const auto& t : out_.timers()) {
      timers_.erase(std::remove_if(timers_.begin(), timers_.end(), [&](const auto& p) { return p.first == t.id; }),
                    timers_.end());
      if (!t.cancel) timers_.emplace_back(t.id, now_ + t.after);
    }
    for (const auto& c : out_.clock()) {
      if (c.kind == ClockEffect::Kind::kSetRate) rate_ppm_ = c.rate_ppm;
      if (c.kind == ClockEffect::Kind::kAdjust && c.mode == AdjustMode::kStep) stepped_ += c.delta;
    }
    for (const auto& n : out_.notes()) {
      ++note_counts_[static_cast<int>(n.what)];
      notes_.push_back(n);
    }
  }
  Ntp ntp_;
  LocalTime now_ = LocalTime::from_ns(1'000'000'000'000);
  Effects out_;
  std::vector<std::pair<TimerId, LocalTime>> timers_;
  Duration reference_offset_;
  Duration stepped_;
  double rate_ppm_ = 0;
  int note_counts_[static_cast<int>(kLastNoteWhat) + 1] = {};
  std::vector<Note> notes_;
};

// A synchronized server's reply to `req`: its clock `offset` ahead, `delay` each way. The harness
// delivers it at the request's own local time (t4 = t1), so the server's timestamps carry the
// round trip: t2 = t1 + offset + delay, t3 = t4 + offset - delay.
std::optional<Message> reply(const Message& req, Duration offset, Duration delay, int stratum = 1,
                             NodeId refid = kNoNode) {
  Message r = make_message(MsgType::kNtpReply, req.seq);
  r.t1_ns = req.t1_ns;
  r.t2_ns = req.t1_ns + offset.ns() + delay.ns();
  r.t3_ns = req.t1_ns + offset.ns() - delay.ns();
  ReplyHeader h;
  h.leap = Leap::kNone;
  h.stratum = stratum;
  h.reference_id = refid;
  put_header(r, h);
  return r;
}

TEST(Ntp, ReferenceClockMakesAStratumOneServer) {
  Harness h(0, 3, NtpHost{{}, true});
  EXPECT_EQ(h.ntp().role(), Role::kServer);
  h.set_reference_offset(2_ms);
  h.run(h.now() + 200_s, [](NodeId, const Message&) { return std::optional<Message>(); });
  EXPECT_EQ(h.ntp().stratum(), 1);
  EXPECT_EQ(h.ntp().leap(), Leap::kNone);
  // It serves: origin echoed, stratum 1, reference id "its reference clock".
  Message req = make_message(MsgType::kNtpRequest, 9);
  req.t1_ns = 12345;
  Effects out;
  h.ntp().on_message(h.now(), 1, req, out);
  ASSERT_EQ(out.sends().size(), 1u);
  const Message& r = out.sends()[0].msg;
  EXPECT_EQ(r.type, MsgType::kNtpReply);
  EXPECT_EQ(out.sends()[0].to, 1u);
  EXPECT_EQ(r.t1_ns, 12345);
  EXPECT_EQ(r.t2_ns, h.now().ns());
  const ReplyHeader hdr = get_header(r);
  EXPECT_EQ(hdr.stratum, 1);
  EXPECT_EQ(hdr.leap, Leap::kNone);
  EXPECT_EQ(hdr.reference_id, kNoNode);
}

TEST(Ntp, UnsynchronizedServerAdvertisesStratumSixteen) {
  Harness h(1, 3, NtpHost{{0}, false});
  Message req = make_message(MsgType::kNtpRequest, 1);
  Effects out;
  h.ntp().on_message(h.now(), 2, req, out);
  const ReplyHeader hdr = get_header(out.sends().at(0).msg);
  EXPECT_EQ(hdr.leap, Leap::kNotSynchronized);
  EXPECT_EQ(hdr.stratum, kMaxStratum);
}

// RFC 5905, 7.3: the reference timestamp is when the clock was last set or corrected, none before
// that; root dispersion grows at PHI from that update, and with none is MAXDISP, not PHI times the
// local time scale's age (a daemon's clock reads ns since 1970: 25,000 s).
TEST(Ntp, ReferenceTimeAndRootDispersionCountFromTheLastUpdate) {
  const auto ask = [](Ntp& ntp, LocalTime at) {
    Message req = make_message(MsgType::kNtpRequest, 1);
    Effects out;
    ntp.on_message(at, 2, req, out);
    return get_header(out.sends().at(0).msg);
  };
  Harness h(1, 3, NtpHost{{0}, false});
  const LocalTime in_2023 = LocalTime::from_ns(1'700'000'000'000'000'000);
  const ReplyHeader never = ask(h.ntp(), in_2023);
  EXPECT_EQ(never.leap, Leap::kNotSynchronized);
  EXPECT_EQ(never.reference_age_ms, kNoReference);
  EXPECT_EQ(never.root_dispersion_ns, 16'000'000'000);  // MAXDISP
  EXPECT_FALSE(h.ntp().reference_time_ns(in_2023));

  h.run(h.now() + 300_s, [](NodeId, const Message& req) { return reply(req, 3_ms, 1_ms); });
  ASSERT_EQ(h.ntp().stratum(), 2);
  const auto updated = h.ntp().reference_time_ns(h.now());
  ASSERT_TRUE(updated);
  EXPECT_LE(*updated, h.now().ns());
  EXPECT_GT(*updated, h.now().ns() - 70'000'000'000);  // polled every 16..64 s
  const LocalTime later = h.now() + 100_s;
  const ReplyHeader synced = ask(h.ntp(), later);
  EXPECT_EQ(synced.reference_age_ms, static_cast<std::uint32_t>((later.ns() - *updated) / 1'000'000));
  EXPECT_NEAR(static_cast<double>(synced.root_dispersion_ns) * 1e-9 - h.ntp().root_dispersion_s(h.now()),
              kPhi * static_cast<double>(later.ns() - h.now().ns()) * 1e-9, 1e-9);

  // A node serving its own clock at the local stratum: its clock is its reference, now.
  NtpConfig local = fast_config();
  local.local_stratum = 8;
  Harness l(0, 3, NtpHost{{}, false}, local);
  const ReplyHeader own = ask(l.ntp(), l.now() + 5_s);
  EXPECT_EQ(own.stratum, 8);
  EXPECT_EQ(own.reference_age_ms, 0u);
  EXPECT_EQ(own.root_dispersion_ns, 0);
}

TEST(Ntp, ClientFollowsItsServerAtTheNextStratum) {
  Harness h(1, 3, NtpHost{{0}, false});
  EXPECT_EQ(h.ntp().role(), Role::kClient);
  h.run(h.now() + 300_s, [](NodeId, const Message& req) { return reply(req, 3_ms, 1_ms); });
  EXPECT_EQ(h.ntp().stratum(), 2);
  EXPECT_EQ(h.ntp().believed_master(), 0u);
  EXPECT_NEAR(h.ntp().system_offset_s(), 0.003, 1e-6);
  EXPECT_NEAR(h.ntp().root_delay_s(), 0.002, 1e-9);  // the server's (0) plus the round trip
  EXPECT_EQ(h.ntp().associations()[0].reach & 1, 1);
}

TEST(Ntp, LargeOffsetIsStepped) {
  Harness h(1, 2, NtpHost{{0}, false});
  // The harness does not move a clock: the server's offset shrinks by what was stepped.
  h.run(h.now() + 120_s, [&h](NodeId, const Message& req) { return reply(req, 10_s - h.stepped(), 1_ms); });
  EXPECT_NEAR(h.stepped().seconds(), 10.0, 1e-6);
}

TEST(Ntp, ReplyThatAnswersNoRequestIsDropped) {
  Harness h(1, 2, NtpHost{{0}, false});
  Message forged = *reply(make_message(MsgType::kNtpRequest, 1), 5_s, 1_ms);
  forged.t1_ns = 42;  // not our transmit time
  Effects out;
  h.ntp().on_message(h.now(), 0, forged, out);
  ASSERT_EQ(out.notes().size(), 1u);
  EXPECT_EQ(out.notes()[0].what, NoteWhat::kNtpUnmatchedReply);
  EXPECT_EQ(out.notes()[0].peer, 0u);
  EXPECT_TRUE(out.clock().empty());
  EXPECT_EQ(h.ntp().associations()[0].reach, 0);
  // A replay of a genuine reply is dropped as well.
  std::optional<Message> first;
  h.run(h.now() + 2_s, [&](NodeId, const Message& req) {
    first = reply(req, 1_ms, 1_ms);
    return first;
  });
  ASSERT_TRUE(first);
  Effects again;
  h.ntp().on_message(h.now(), 0, *first, again);
  ASSERT_EQ(again.notes().size(), 1u);
  EXPECT_EQ(again.notes()[0].what, NoteWhat::kNtpUnmatchedReply);
  EXPECT_EQ(again.notes()[0].kind(), EventKind::kLateReply);
}

// A server synchronized to us (its reference id is this node) is a timing loop: never selected.
TEST(Ntp, LoopThroughThisNodeIsNotSelected) {
  Harness h(1, 2, NtpHost{{0}, false});
  h.run(h.now() + 300_s, [](NodeId, const Message& req) { return reply(req, 3_ms, 1_ms, 2, /*refid=*/1); });
  EXPECT_EQ(h.ntp().stratum(), kMaxStratum);
  EXPECT_EQ(h.ntp().believed_master(), kNoNode);
  // Noted once, when the server became a loop, not for every reply.
  EXPECT_EQ(h.notes_of(NoteWhat::kNtpLoop), 1);
  for (const auto& n : h.notes()) {
    if (n.what == NoteWhat::kNtpLoop) {
      EXPECT_EQ(n.peer, 0u);
    }
  }
}

// A server that turns to this node after it synchronized us is dropped from selection: two servers
// polling each other do not keep serving time that comes from nowhere.
TEST(Ntp, AServerThatBecomesALoopIsNoLongerSelected) {
  Harness h(1, 2, NtpHost{{0}, false});
  h.run(h.now() + 300_s, [](NodeId, const Message& req) { return reply(req, 3_ms, 1_ms, 2, /*refid=*/7); });
  ASSERT_EQ(h.ntp().stratum(), 3);
  ASSERT_EQ(h.ntp().believed_master(), 0u);
  const int synced = h.notes_of(NoteWhat::kNtpSynchronized);
  h.run(h.now() + 600_s, [](NodeId, const Message& req) { return reply(req, 3_ms, 1_ms, 4, /*refid=*/1); });
  EXPECT_EQ(h.notes_of(NoteWhat::kNtpLoop), 1);
  EXPECT_EQ(h.notes_of(NoteWhat::kNtpSynchronized), synced);  // never selected at stratum 4 + 1
  EXPECT_EQ(h.ntp().stratum(), 3);                             // the last update from before the loop
}

// Three servers agree near +2 ms; a fourth is 400 ms off: the falseticker is named and ignored.
TEST(Ntp, FalsetickerAmongFourServersIsOutvoted) {
  Harness h(4, 5, NtpHost{{0, 1, 2, 3}, false});
  h.run(h.now() + 300_s, [](NodeId s, const Message& req) {
    const Duration off = s == 3 ? 400_ms : Duration::from_ns(2'000'000 + static_cast<std::int64_t>(s) * 100'000);
    return reply(req, off, 1_ms);
  });
  EXPECT_EQ(h.ntp().stratum(), 2);
  EXPECT_NE(h.ntp().believed_master(), 3u);
  EXPECT_NEAR(h.ntp().system_offset_s(), 0.0021, 0.0002);
  ASSERT_GT(h.notes_of(NoteWhat::kNtpFalseticker), 0);
  for (const Note& n : h.notes()) {
    if (n.what != NoteWhat::kNtpFalseticker) continue;
    EXPECT_EQ(n.peer, 3u);  // only the server 400 ms off
    EXPECT_NEAR(static_cast<double>(*n.value_ns), 400e6, 5e6);
  }
  ASSERT_GT(h.notes_of(NoteWhat::kNtpSynchronized), 0);
}

// Four stratum-1 servers, the fourth a falseticker 150 ms ahead that answers at once while the
// honest three (near +2 ms) first answer 3 s later: what a client sees when the liar is closest.
std::optional<Message> liar_first(const Harness& h, LocalTime start, NodeId s, const Message& req) {
  if (s == 3) return reply(req, 150_ms - h.stepped(), 1_ms);
  if (LocalTime::from_ns(req.t1_ns) < start + 3_s) return std::nullopt;
  return reply(req, Duration::from_ns(2'000'000 + static_cast<std::int64_t>(s) * 100'000) - h.stepped(), 1_ms);
}

// The first update waits for the other servers, which outvote the liar: no step toward it, ever.
TEST(Ntp, LiarAnsweringFirstIsOutvotedAtStart) {
  Harness h(4, 5, NtpHost{{0, 1, 2, 3}, false});
  const LocalTime start = h.now();
  h.run(start + 600_s, [&](NodeId s, const Message& req) { return liar_first(h, start, s, req); });
  EXPECT_EQ(h.stepped(), Duration::zero());
  EXPECT_EQ(h.ntp().stratum(), 2);
  EXPECT_NE(h.ntp().believed_master(), 3u);
  EXPECT_NEAR(h.ntp().system_offset_s(), 0.0021, 0.0005);
  EXPECT_EQ(h.notes_of(NoteWhat::kNtpStartupWait), 1);
  for (const Note& n : h.notes()) {
    if (n.what == NoteWhat::kNtpSynchronized) {
      EXPECT_NE(n.peer, 3u);
    }
    if (n.what == NoteWhat::kNtpStartupWait) {
      EXPECT_EQ(n.count, 1u);
      EXPECT_EQ(n.total, 4u);
    }
  }
}

// Without the wait (the RFC's NSANE 1) the same start follows the liar: the first update steps the
// clock the liar's 150 ms. This is what the wait is for.
TEST(Ntp, WithoutTheStartupWaitTheFirstAnswerIsFollowed) {
  NtpConfig c = fast_config();
  c.startup_wait = Duration::zero();
  Harness h(4, 5, NtpHost{{0, 1, 2, 3}, false}, c);
  const LocalTime start = h.now();
  h.run(start + 60_s, [&](NodeId s, const Message& req) { return liar_first(h, start, s, req); });
  const auto first_step = std::find_if(h.notes().begin(), h.notes().end(),
                                       [](const Note& n) { return n.what == NoteWhat::kNtpStepped; });
  ASSERT_NE(first_step, h.notes().end());
  EXPECT_NEAR(static_cast<double>(*first_step->value_ns), 150e6, 1e6);
  EXPECT_EQ(h.notes_of(NoteWhat::kNtpStartupWait), 0);
}

// The wait is bounded: a server that never answers delays the first update by startup_wait, no more.
TEST(Ntp, StartupWaitEndsForAServerThatNeverAnswers) {
  NtpConfig c = fast_config();
  c.startup_wait = 20_s;
  Harness h(2, 3, NtpHost{{0, 1}, false}, c);
  const auto only_server_0 = [](NodeId s, const Message& req) {
    return s == 0 ? reply(req, 3_ms, 1_ms) : std::optional<Message>();
  };
  // Server 0 is selectable after its first few burst replies, within 10 s; 20 s later the first
  // update still waits (the discipline has not started)...
  const LocalTime start = h.now();
  h.run(start + 25_s, only_server_0);
  EXPECT_EQ(h.notes_of(NoteWhat::kNtpStartupWait), 1);
  EXPECT_EQ(h.ntp().discipline().state(), DisciplineState::kNset);
  // ...and once the wait is over the next reply updates the clock from server 0 alone.
  h.run(start + 300_s, only_server_0);
  EXPECT_NE(h.ntp().discipline().state(), DisciplineState::kNset);
  EXPECT_EQ(h.ntp().stratum(), 2);
  EXPECT_EQ(h.ntp().believed_master(), 0u);
}

// minsane 2: a lone server, liar or not, does not move the clock; noted once, not per reply. When
// two agree the clock follows them.
TEST(Ntp, MinsaneHoldsTheClockWhileTooFewServersAgree) {
  NtpConfig c = fast_config();
  c.minsane = 2;
  c.startup_wait = Duration::zero();
  Harness h(4, 5, NtpHost{{0, 1, 2, 3}, false}, c);
  h.run(h.now() + 300_s, [&h](NodeId s, const Message& req) {
    return s == 3 ? reply(req, 150_ms - h.stepped(), 1_ms) : std::optional<Message>();
  });
  EXPECT_EQ(h.stepped(), Duration::zero());
  EXPECT_EQ(h.ntp().stratum(), kMaxStratum);
  EXPECT_EQ(h.notes_of(NoteWhat::kNtpTooFewSane), 1);
  for (const Note& n : h.notes()) {
    if (n.what != NoteWhat::kNtpTooFewSane) continue;
    EXPECT_EQ(n.count, 1u);
    EXPECT_EQ(n.total, 2u);
    EXPECT_EQ(n.kind(), EventKind::kOutlier);
  }
  // Two honest servers answer: they are the majority and the liar a falseticker.
  h.run(h.now() + 600_s, [&h](NodeId s, const Message& req) {
    if (s == 2) return std::optional<Message>();
    return reply(req, (s == 3 ? 150_ms : 2_ms) - h.stepped(), 1_ms);
  });
  EXPECT_NEAR(h.stepped().seconds(), 0.002, 0.0005);  // the honest 2 ms, never the liar's 150
  EXPECT_EQ(h.ntp().stratum(), 2);
  EXPECT_NE(h.ntp().believed_master(), 3u);
}

// A node with fewer associations than minsane needs all of them (a stratum-1 node's one reference
// clock, a node polling only the leader): minsane never leaves it unsynchronized for good.
TEST(Ntp, MinsaneAboveTheServerCountNeedsEveryServer) {
  NtpConfig c = fast_config();
  c.minsane = 3;
  Harness h(1, 3, NtpHost{{0}, false}, c);
  h.run(h.now() + 300_s, [](NodeId, const Message& req) { return reply(req, 3_ms, 1_ms); });
  EXPECT_EQ(h.ntp().stratum(), 2);
  EXPECT_EQ(h.notes_of(NoteWhat::kNtpTooFewSane), 0);
}

// The discipline's frequency correction reaches the clock as set_rate_correction_ppm.
TEST(Ntp, FrequencyErrorBecomesARateCorrection) {
  NtpConfig c = fast_config();
  c.stepout = 60_s;
  Harness h(1, 2, NtpHost{{0}, false}, c);
  const LocalTime start = h.now();
  // The server gains 20 ppm on this clock (this clock is 20 ppm slow), the harness applies no
  // correction: the measured offset grows and the FLL/PLL must ask for about +20 ppm.
  h.run(start + 400_s, [&](NodeId, const Message& req) {
    const double elapsed_s = (LocalTime::from_ns(req.t1_ns) - start).seconds();
    return reply(req, Duration::from_seconds(1e-3 + 20e-6 * elapsed_s), 1_ms);
  });
  EXPECT_NEAR(h.rate_ppm(), 20.0, 3.0);
}

TEST(Ntp, DeterministicForASeed) {
  auto run = [] {
    Harness h(1, 2, NtpHost{{0}, false});
    h.run(h.now() + 500_s, [](NodeId, const Message& req) { return reply(req, 7_ms, 2_ms); });
    return std::make_pair(h.ntp().system_offset_s(), h.ntp().discipline().poll());
  };
  EXPECT_EQ(run(), run());
}

}  // namespace
}  // namespace clocksim::ntp
