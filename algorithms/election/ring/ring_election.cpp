#include "algorithms/election/ring/ring_election.hpp"

#include <algorithm>

#include "algorithms/core/rng.hpp"
#include "algorithms/election/common/draw.hpp"
#include "algorithms/election/common/param_table.hpp"

namespace clocksim::election {

using namespace clocksim::literals;

namespace {
const ParamTable<RingConfig>& ring_params() {
  static const ParamTable<RingConfig> kTable = ParamTable<RingConfig>::with_liveness(
      election_failure_timeout_spec(),
      {{{"hop_timeout", ParamType::kDuration, 100_ms,
         "wait for a successor to acknowledge a ring message before re-sending", 1e5, 1e12, {}},
        &RingConfig::hop_timeout},
       {{"hop_sends", ParamType::kInt, std::int64_t{2}, "sends to one successor before skipping it as dead", 1, 20, {}},
        &RingConfig::hop_sends},
       {{"election_timeout", ParamType::kDuration, 10_s,
         "a participant that sees no ELECTED this long starts a new election (allow ~3n hops)", 1e6, 1e14, {}},
        &RingConfig::election_timeout}});
  return kTable;
}
}  // namespace

const std::vector<ParamSpec>& ring_param_specs() { return ring_params().specs(); }

RingConfig RingConfig::from(const ParamSet& params) { return ring_params().read(params); }

RingElection::RingElection(const ElectionSetup& setup)
    : self_(setup.membership.self),
      can_be_master_(setup.can_be_master),
      cfg_(RingConfig::from(setup.params)),
      rng_(setup.seed),
      hops_(kElectionTimerPart, kAckTimerBase, cfg_.hop_timeout),
      live_(self_, {kHeartbeatTimer, kFailureTimer, cfg_.heartbeat_period, cfg_.failure_timeout},
            {NoteWhat::kNoMasterHeard, NoteWhat::kNoHeartbeatFromMaster, NoteWhat::kRingLeaveSent}) {
  // Numbers continue above the earlier incarnations' where the host carries them (the
  // simulator); the random stamp of this incarnation tells a restarted node's new elections from
  // repeats of its previous life's where it does not (clocksyncd starts again at 1).
  stamp_ = draw_u32(rng_);
  my_term_ = setup.elections_before;
  if (setup.membership.members) members_ = *setup.membership.members;
  if (std::find(members_.begin(), members_.end(), self_) == members_.end()) {
    members_.push_back(self_);
    std::sort(members_.begin(), members_.end());
  }
}

Role RingElection::role() const {
  if (state_ == State::kMaster) return Role::kMaster;
  if (state_ == State::kParticipant && initiating_) return Role::kCandidate;
  return Role::kSlave;
}

NodeId RingElection::believed_master() const {
  if (state_ == State::kMaster) return self_;
  if (state_ == State::kFollower) return master_;
  return kNoNode;
}

NodeId RingElection::successor_of(NodeId id) const {
  NodeId next = id;
  for (std::size_t i = 0; i < members_.size(); ++i) {
    auto it = std::upper_bound(members_.begin(), members_.end(), next);
    next = it == members_.end() ? members_.front() : *it;
    if (next == self_ || !live_.departed(next)) return next;
  }
  return self_;
}

void RingElection::pass_on(Message msg, NodeId to, Effects& out) {
  if (to == self_) {
    // Every other node was skipped: the message has come all the way round.
    if (msg.type == MsgType::kRingElection) {
      handle_election(msg, out);
    } else {
      handle_elected(msg, out);
    }
    return;
  }
  msg.seq = seq_++;
  AckSender::Outgoing item;
  item.to = to;
  item.msg = msg;
  item.expect = MsgType::kElectionAck;
  item.max_sends = static_cast<int>(cfg_.hop_sends);
  hops_.start(item, Duration::zero(), out);
}

void RingElection::initiate(Effects& out) {
  ++my_term_;
  initiating_ = true;
  state_ = State::kParticipant;
  master_ = kNoNode;
  live_.unwatch(out);
  out.set_timer(timer(kElectionTimer), cfg_.election_timeout);
  Message m = make_message(MsgType::kRingElection);
  m.subject = can_be_master_ ? self_ : kNoNode;
  m.value_ns = self_;
  m.term = my_term_;
  m.t1_ns = stamp_;
  seen_election_.first_sight(self_, stamp_, my_term_);
  out.note(Note(NoteWhat::kRingElectionStarted).with_election(own_election()).with_subject(successor_of(self_)));
  pass_on(m, successor_of(self_), out);
}

void RingElection::become_master(Effects& out, Note why) {
  const bool was = state_ == State::kMaster;
  state_ = State::kMaster;
  master_ = self_;
  initiating_ = false;
  live_.unwatch(out);
  out.cancel_timer(timer(kElectionTimer));
  if (!was) out.note(std::move(why.as(NoteWhat::kBecomesMaster)));
  live_.beat(live_.heartbeat(0), out);  // ring heartbeats carry no election number
}

void RingElection::follow(NodeId master, Effects& out, Note why) {
  const bool changed = state_ != State::kFollower || master_ != master;
  if (state_ == State::kMaster) live_.stop_beating(out);
  out.cancel_timer(timer(kElectionTimer));
  state_ = State::kFollower;
  master_ = master;
  live_.heard(now_);
  initiating_ = false;
  live_.watch(out);
  if (changed) out.note(std::move(why.as(NoteWhat::kFollowsMaster).with_subject(master)));
}

void RingElection::apply_winner(NodeId winner, ElectionId election, Effects& out) {
  if (winner == self_) {
    become_master(out, because(NoteWhy::kWonRingElection).with_peer(election.initiator).with_election(election));
  } else if (winner != kNoNode) {
    follow(winner, out, because(NoteWhy::kRingElectionOf).with_peer(election.initiator).with_election(election));
  }
}

void RingElection::handle_election(const Message& msg, Effects& out) {
  const auto initiator = static_cast<NodeId>(msg.value_ns);
  if (initiator == self_) {
    if (msg.term != my_term_ || !initiating_) return;  // an old round of ours
    initiating_ = false;
    const NodeId winner = msg.subject;
    if (winner != kNoNode && live_.departed(winner)) {
      // Put forward before it left (its LEAVE overtook this round): elect again without it.
      out.note(Note(NoteWhat::kRingWinnerLeft).with_election(own_election()).with_subject(winner));
      initiate(out);
      return;
    }
    if (winner == kNoNode) {
      out.note(Note(NoteWhat::kRingNobodyMayLead).with_election(own_election()));
      state_ = State::kFollower;
      live_.watch(out);
      return;
    }
    out.note(Note(NoteWhat::kRingWinner).with_election(own_election()).with_subject(winner));
    Message elected = make_message(MsgType::kRingElected);
    elected.subject = winner;
    elected.value_ns = self_;
    elected.term = my_term_;
    elected.t1_ns = stamp_;
    elected.flags = msg.flags & kBestIsBack;
    seen_elected_.first_sight(self_, stamp_, my_term_);
    apply_winner(winner, own_election(), out);
    pass_on(elected, successor_of(self_), out);
    return;
  }
  if (!seen_election_.first_sight(initiator, msg.t1_ns, msg.term)) return;  // a copy, or superseded
  // Chang-Roberts extinction: our own election (higher initiator) will finish instead.
  if (initiating_ && initiator < self_) return;
  Message fwd = msg;
  // A departed best (put forward before its LEAVE reached us) is never passed on.
  if (fwd.subject != kNoNode && live_.departed(fwd.subject)) fwd.subject = kNoNode;
  if (can_be_master_ && (fwd.subject == kNoNode || self_ > fwd.subject)) fwd.subject = self_;
  if (fwd.subject != msg.subject) fwd.flags &= static_cast<std::uint16_t>(~kBestIsBack);
  // A node that still hears its master keeps following it (its own failure timer guards that
  // master); one with no master waits for the ELECTED this election will bring.
  if (state_ == State::kParticipant || (state_ == State::kFollower && master_ == kNoNode)) {
    if (state_ == State::kFollower) live_.unwatch(out);
    state_ = State::kParticipant;
    out.set_timer(timer(kElectionTimer), cfg_.election_timeout);
  }
  pass_on(fwd, successor_of(self_), out);
}

void RingElection::handle_elected(const Message& msg, Effects& out) {
  const auto initiator = static_cast<NodeId>(msg.value_ns);
  if (initiator == self_) return;  // back home: everyone has heard
  if (!seen_elected_.first_sight(initiator, msg.t1_ns, msg.term)) return;
  if (msg.subject != kNoNode && live_.departed(msg.subject)) {
    // Named before the winner's LEAVE reached us: following a node that is gone would only
    // wait out the failure timeout. The round stops here; the LEAVE starts a fresh election.
    out.note(Note(NoteWhat::kElectedIgnored).with_subject(msg.subject));
    return;
  }
  apply_winner(msg.subject, {initiator, msg.term}, out);
  pass_on(msg, successor_of(self_), out);
}

void RingElection::on_start(LocalTime now, Effects& out) {
  now_ = now;
  out.note(Note(NoteWhat::kRingListens));
  live_.watch(out);
}

void RingElection::on_timer(LocalTime now, TimerId id, Effects& out) {
  now_ = now;
  if (hops_.owns(id)) {
    const AckSender::TimerResult r = hops_.on_timer(id, out);
    if (r.outcome != AckSender::Outcome::kExhausted) return;
    const NodeId dead = r.item.to;
    const NodeId next = successor_of(dead);
    out.note(next == self_ ? Note(NoteWhat::kHopSkippedToSelf).with_peer(dead)
                           : Note(NoteWhat::kHopSkipped).with_peer(dead).with_subject(next));
    pass_on(r.item.msg, next, out);
    return;
  }
  switch (live_.fired(id)) {
    case Liveness::Fired::kHeartbeat:
      if (state_ == State::kMaster) live_.beat(live_.heartbeat(0), out);
      return;
    case Liveness::Fired::kFailure:
      if (state_ != State::kFollower) return;
      out.note(live_.silence_note(master_, live_.failure_timeout()));
      initiate(out);
      return;
    case Liveness::Fired::kOther:
      break;
  }
  switch (TimerSpace::local(id)) {
    case kLeaveTimer:
      if (state_ != State::kFollower || master_ != kNoNode) return;  // an election reached it first
      initiate(out);
      return;
    case kElectionTimer:
      if (state_ != State::kParticipant) return;
      out.note(Note(NoteWhat::kNoElected).with_value(cfg_.election_timeout));
      initiate(out);
      return;
    default:
      return;
  }
}

void RingElection::on_master_activity(NodeId master, LocalTime now, Effects& out) {
  now_ = now;
  if (state_ == State::kFollower && master == master_) {
    live_.heard(now_);
    live_.watch(out);
  }
}

void RingElection::on_shutdown(LocalTime /*now*/, Effects& out) { live_.leave(state_ == State::kMaster, my_term_, out); }

void RingElection::handle_leave(NodeId from, LocalTime now, Effects& out) {
  // The leaver is skipped from now on (Liveness::depart); only our own master's LEAVE starts an
  // election.
  live_.depart(from, now);
  if (state_ != State::kFollower || from != master_) return;
  master_ = kNoNode;
  // Every follower heard the LEAVE at about the same time; a random pause within one hop timeout
  // lets the first initiator's ELECTION reach most of the others before they initiate too.
  const Duration pause = draw(rng_, DurationRange{Duration::zero(), cfg_.hop_timeout});
  out.note(Note(NoteWhat::kRingMasterLeft).with_subject(from).with_value(pause));
  out.set_timer(timer(kLeaveTimer), pause);
}

bool RingElection::is_member(NodeId id) const { return std::binary_search(members_.begin(), members_.end(), id); }

std::optional<std::int64_t> RingElection::foreign_id(const Message& msg) const {
  const std::int64_t initiator = msg.value_ns;
  if (initiator < 0 || initiator >= std::int64_t{kBroadcast} || !is_member(static_cast<NodeId>(initiator))) return initiator;
  if (msg.subject != kNoNode && !is_member(msg.subject)) return std::int64_t{msg.subject};
  return std::nullopt;
}

void RingElection::revive(NodeId id, Effects& out, Note how) {
  if (!live_.revive(id)) return;
  out.note(std::move(how.as(NoteWhat::kRingNodeBack).with_peer(id)));
}

void RingElection::on_message(LocalTime now, NodeId from, const Message& msg, Effects& out) {
  now_ = now;
  if (from == self_) return;
  switch (msg.type) {
    case MsgType::kRingElection:
    case MsgType::kRingElected: {
      Message ack = make_message(MsgType::kElectionAck, msg.seq);
      ack.subject = self_;
      out.send(from, ack);
      // Only members initiate, and only members may win: a message naming anyone else is broken
      // or forged by a member, and remembering its initiator would let one sender grow every
      // node's copy tables without bound. Acknowledged all the same, so it is not sent again.
      if (const auto foreign = foreign_id(msg)) {
        out.note(Note(NoteWhat::kRingForeignIdDropped).with_peer(from).with_message(msg.type).with_value_ns(*foreign));
        return;
      }
      // A node taking part in an election is up: a restarted leaver rejoins the ring.
      Message in = msg;
      if (live_.departed(from)) {
        revive(from, out, because(NoteWhy::kSentMessage).with_message(msg.type));
        if (in.subject == from) in.flags |= kBestIsBack;
      }
      revive(static_cast<NodeId>(msg.value_ns), out, because(NoteWhy::kInitiatedElection));
      if ((msg.flags & kBestIsBack) != 0) revive(msg.subject, out, because(NoteWhy::kVouchedFor));
      if (in.type == MsgType::kRingElection) {
        handle_election(in, out);
      } else {
        handle_elected(in, out);
      }
      return;
    }
    case MsgType::kLeave:
      handle_leave(from, now, out);
      return;
    case MsgType::kElectionAck:
      hops_.on_reply(MsgType::kElectionAck, msg.seq, out);
      return;
    case MsgType::kHeartbeat:
      if (live_.departed(from)) {
        // Sent before its LEAVE, unless it comes more than a message delay (at most a hop
        // timeout, a round trip) after it: then the master is back and its ELECTED was lost.
        if (!live_.beats_after_leaving(from, now, cfg_.hop_timeout)) return;
        revive(from, out, because(NoteWhy::kBeatsLongAfterLeaving));
      }
      if (state_ == State::kMaster) {
        if (from > self_) {
          out.note(Note(NoteWhat::kHigherMasterHeard).with_peer(from));
          follow(from, out, because(NoteWhy::kHigherId));
        }
        return;
      }
      if (state_ == State::kFollower && from == master_) {
        live_.heard(now_);
        live_.watch(out);
        return;
      }
      if (master_ == kNoNode || from > master_) {
        follow(from, out, because(NoteWhy::kHeardHeartbeat));
      } else if (state_ == State::kFollower && live_.silence(now_) >= live_.failure_timeout() / 2) {
        // A lower id leads: an election this node has not heard of yet replaced its master, who
        // has been silent for half the failure timeout. Following it spares a needless election
        // round the ring (if the old master lives, its next heartbeat wins this node back).
        follow(from, out, because(NoteWhy::kHeardHeartbeatMasterSilent).with_peer(master_));
      }
      return;
    default:
      return;
  }
}

}  // namespace clocksim::election
