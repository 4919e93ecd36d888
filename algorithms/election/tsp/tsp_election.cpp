#include "algorithms/election/tsp/tsp_election.hpp"

namespace clocksim::election {

namespace {
constexpr std::uint8_t kMaxHopCount = 10;  // timed's MAX_HOPCNT for LOOP
}

TspElection::TspElection(const ElectionSetup& setup)
    : self_(setup.membership.self),
      can_be_master_(setup.can_be_master),
      cfg_(TspConfig::from(setup.params)),
      rng_(setup.seed),
      acks_(kElectionTimerPart, kAckTimerBase, cfg_.ack_first_wait),
      timeout_(draw(rng_, cfg_.election_timeout)),
      // No heartbeats: a TSP master shows it lives by its synchronization traffic and LOOP.
      live_(self_, {0, kElectionTimer, Duration::zero(), cfg_.election_timeout.min},
            {NoteWhat::kNoMasterFor, NoteWhat::kNoWordFromMaster, NoteWhat::kTspLeaveSent}),
      term_(setup.elections_before) {}

Role TspElection::role() const {
  switch (state_) {
    case State::kLooking: return Role::kNone;
    case State::kSlave: return Role::kSlave;
    case State::kCandidate: return Role::kCandidate;
    case State::kMaster: return Role::kMaster;
  }
  return Role::kNone;
}

NodeId TspElection::believed_master() const {
  if (state_ == State::kMaster) return self_;
  if (state_ == State::kSlave) return master_;
  return kNoNode;
}

// ---- sending -------------------------------------------------------------------------------

std::uint32_t TspElection::acksend(NodeId to, Message msg, Purpose purpose, Duration delay, Effects& out) {
  msg.seq = next_seq();
  AckSender::Outgoing item;
  item.to = to;
  item.msg = msg;
  item.expect = (purpose == Purpose::kMasterReq || purpose == Purpose::kResolve) ? MsgType::kMasterAck
                                                                               : MsgType::kElectionAck;
  item.max_sends = static_cast<int>(cfg_.ack_sends);
  item.keep_collecting = purpose == Purpose::kResolve;
  purposes_[msg.seq] = purpose;
  acks_.start(item, delay, out);
  return msg.seq;
}

void TspElection::send_later(NodeId to, Message msg, Duration delay, Effects& out) {
  msg.seq = next_seq();
  AckSender::Outgoing item;
  item.to = to;
  item.msg = msg;
  acks_.start(item, delay, out);
}

void TspElection::join_later(NodeId master, Effects& out) {
  Message up = make_message(MsgType::kSlaveUp);
  up.subject = master;
  if (!can_be_master_) up.flags = kSenderMayNotLead;
  send_later(master, up, jitter(), out);
}

void TspElection::ack(NodeId to, const Message& msg, Effects& out) {
  Message reply = make_message(MsgType::kElectionAck, msg.seq);
  reply.term = msg.term;
  reply.subject = self_;
  out.send(to, reply);
}

Message TspElection::mastership(MsgType type) const {
  Message m = make_message(type);
  m.subject = self_;
  m.term = master_term_;
  return m;
}

// Masters confronting each other: the one with the later election wins, then the higher id.
bool TspElection::outranks(std::uint32_t their_term, NodeId them) const {
  if (their_term != master_term_) return their_term > master_term_;
  return them > self_;
}

// ---- state changes -------------------------------------------------------------------------

void TspElection::restart_election_timer(Effects& out) {
  after_leave_ = false;
  if (cfg_.redraw_timeout) timeout_ = draw(rng_, cfg_.election_timeout);
  live_.watch(timeout_, out);
}

void TspElection::become_slave(NodeId master, LocalTime now, Effects& out, Note why) {
  const bool changed = state_ != State::kSlave || master_ != master;
  if (state_ == State::kCandidate) out.cancel_timer(timer(kCandidateTimer));
  if (state_ == State::kMaster) out.cancel_timer(timer(kLoopTimer));
  if (resolving_) {
    acks_.cancel(resolve_seq_, out);
    purposes_.erase(resolve_seq_);
    resolving_ = false;
  }
  state_ = State::kSlave;
  master_ = master;
  live_.heard(now);
  restart_election_timer(out);
  if (!changed) return;
  out.note(std::move(why.as(master == kNoNode ? NoteWhat::kSlaveNoMaster : NoteWhat::kSlaveOf).with_subject(master)));
}

void TspElection::become_master(LocalTime /*now*/, Effects& out, Note why) {
  if (state_ == State::kCandidate) out.cancel_timer(timer(kCandidateTimer));
  state_ = State::kMaster;
  master_ = self_;
  master_term_ = term_;
  awaiting_second_answer_ = false;
  live_.unwatch(out);
  out.note(std::move(why.as(NoteWhat::kBecomesMaster)));
  // §5: a new master solicits slaves with MASTERUP.
  out.broadcast(mastership(MsgType::kMasterUp));
  if (cfg_.loop_period > Duration::zero()) out.set_timer(timer(kLoopTimer), cfg_.loop_period);
}

void TspElection::start_candidacy(LocalTime /*now*/, Effects& out) {
  state_ = State::kCandidate;
  master_ = kNoNode;
  ++term_;
  supporters_.clear();
  successors_.clear();
  out.note(Note(NoteWhat::kTspElectionStarted).with_election({self_, term_}));
  Message m = make_message(MsgType::kElection, next_seq());
  m.subject = self_;
  m.term = term_;
  out.broadcast(m);  // §10: sent once, not acknowledged
  out.set_timer(timer(kCandidateTimer), cfg_.candidate_window);
}

void TspElection::add_supporter(NodeId from, const Message& msg) {
  supporters_.insert(from);
  // A successor the others do not trust would only be told to QUIT, and the hand-over wait out
  // the candidate windows given to it.
  if ((msg.flags & kSenderMayNotLead) == 0 && cfg_.trusts(from)) successors_.insert(from);
}

void TspElection::give_up(NodeId master, LocalTime now, Effects& out, Note why) {
  out.cancel_timer(timer(kCandidateTimer));
  // Redraw so that two candidates that collided do not collide again at the next expiry.
  timeout_ = draw(rng_, cfg_.election_timeout);
  state_ = State::kSlave;  // so that become_slave reports the change against "candidate" below
  master_ = kNoNode;
  Note gave_up = why;
  out.note(std::move(gave_up.as(NoteWhat::kGivesUpCandidacy)));
  become_slave(master, now, out, std::move(why));
}

void TspElection::look_for_master(Effects& out) {
  state_ = State::kLooking;
  master_ = kNoNode;
  heard_other_starting_ = false;
  awaiting_second_answer_ = false;
  Message m = make_message(MsgType::kMasterReq);
  m.subject = self_;
  if (!can_be_master_) m.flags = kSenderMayNotLead;
  master_req_seq_ = acksend(kBroadcast, m, Purpose::kMasterReq, Duration::zero(), out);
}

void TspElection::lookup_failed(LocalTime now, Effects& out) {
  if (heard_other_starting_) {
    become_slave(kNoNode, now, out, because(NoteWhy::kOthersStarting));
  } else if (can_be_master_) {
    become_master(now, out, because(NoteWhy::kNoMasterAnswered));
  } else {
    become_slave(kNoNode, now, out, because(NoteWhy::kMayNotLead));
  }
}

void TspElection::quit_rival(NoteWhat seen, NodeId rival, Effects& out) {
  out.note(Note(seen).with_peer(rival));
  send_quit(rival, out);
}

void TspElection::send_quit(NodeId to, Effects& out) {
  if (quitting_.count(to) != 0) return;
  quitting_[to] = acksend(to, mastership(MsgType::kQuit), Purpose::kQuit, Duration::zero(), out);
}

void TspElection::start_resolve(Effects& out) {
  if (resolving_) return;
  resolving_ = true;
  resolve_rounds_left_ = cfg_.resolve_rounds;
  resolve_round(out);
}

void TspElection::resolve_round(Effects& out) {
  --resolve_rounds_left_;
  resolve_seq_ = acksend(kBroadcast, mastership(MsgType::kResolve), Purpose::kResolve, Duration::zero(), out);
}

void TspElection::on_ack_done(const AckSender::Outgoing& item, bool acked, LocalTime now, Effects& out) {
  auto it = purposes_.find(item.msg.seq);
  if (it == purposes_.end()) return;
  const Purpose purpose = it->second;
  purposes_.erase(it);
  switch (purpose) {
    case Purpose::kMasterReq:
      if (!acked && state_ == State::kLooking) lookup_failed(now, out);
      break;
    case Purpose::kQuit:
      quitting_.erase(item.to);
      if (!acked) {
        out.note(Note(NoteWhat::kNotAcknowledged).with_peer(item.to).with_message(item.msg.type));
      } else if (state_ == State::kMaster) {
        // §11: after a QUIT, MASTERUP collects the orphaned slaves of the loser.
        out.broadcast(mastership(MsgType::kMasterUp));
      }
      break;
    case Purpose::kResolve:
      if (state_ != State::kMaster || item.msg.seq != resolve_seq_) break;
      if (acked && resolve_rounds_left_ > 0) {
        resolve_round(out);
      } else {
        resolving_ = false;
        out.broadcast(mastership(MsgType::kMasterUp));
      }
      break;
    case Purpose::kAccept:
    case Purpose::kRefuse:
    case Purpose::kConflict:
    case Purpose::kSlaveUp:
    case Purpose::kNone:
      if (!acked) {
        out.note(Note(NoteWhat::kNotAcknowledged).with_peer(item.to).with_message(item.msg.type));
      }
      break;
  }
}

// ---- inputs --------------------------------------------------------------------------------

void TspElection::on_start(LocalTime /*now*/, Effects& out) {
  seq_ = draw_u32(rng_);  // timed starts its acksend counter at random()
  out.note(Note(NoteWhat::kTspStarts));
  look_for_master(out);
}

void TspElection::on_timer(LocalTime now, TimerId id, Effects& out) {
  if (acks_.owns(id)) {
    const AckSender::TimerResult r = acks_.on_timer(id, out);
    if (r.outcome == AckSender::Outcome::kExhausted) on_ack_done(r.item, false, now, out);
    if (r.outcome == AckSender::Outcome::kCollected) on_ack_done(r.item, true, now, out);
    return;
  }
  if (live_.fired(id) == Liveness::Fired::kFailure) {
    if (state_ != State::kSlave) return;
    if (after_leave_) {
      after_leave_ = false;  // the short pause after a LEAVE, not a timeout (noted on the LEAVE)
    } else {
      out.note(live_.silence_note(master_, timeout_));
    }
    if (can_be_master_) {
      start_candidacy(now, out);
    } else {
      out.note(Note(NoteWhat::kAsksAgain));
      look_for_master(out);
    }
    return;
  }
  switch (TimerSpace::local(id)) {
    case kCandidateTimer:
      if (state_ != State::kCandidate) return;
      become_master(now, out, because(NoteWhy::kWonElection).with_election({self_, term_}).with_count(supporters_.size()));
      return;
    case kSecondAnswerTimer:
      awaiting_second_answer_ = false;
      return;
    case kLoopTimer:
      if (state_ != State::kMaster) return;
      {
        Message m = mastership(MsgType::kLoop);
        m.hops = kMaxHopCount;
        out.broadcast(m);
      }
      out.set_timer(timer(kLoopTimer), cfg_.loop_period);
      return;
    default:
      return;
  }
}

void TspElection::on_master_activity(NodeId master, LocalTime now, Effects& out) {
  if (state_ != State::kSlave || master == self_) return;
  if (master == master_) {
    live_.heard(now);
    restart_election_timer(out);
  } else if (master_ == kNoNode) {
    become_slave(master, now, out, because(NoteWhy::kSynchronizing));
  } else if (live_.silence(now) >= cfg_.election_timeout.min) {
    // The MASTERUP of a new master is an unacknowledged broadcast: a slave that lost it still
    // follows the old master, ignoring the new one's corrections until its own election timer
    // makes it a candidate (and a QUIT follows). Once its master has been silent for the
    // shortest election timeout, another master synchronizing it is the better evidence.
    become_slave(master, now, out, because(NoteWhy::kSilentMasterReplaced).with_peer(master_));
  }
}

void TspElection::on_shutdown(LocalTime, Effects& out) {
  if (state_ != State::kMaster) return;
  Message leave = make_message(MsgType::kLeave);
  leave.subject = self_;
  leave.term = term_;
  // successors_ is ordered: its first other node is the lowest id that may lead.
  for (NodeId n : successors_) {
    if (n == self_) continue;
    leave.flags = kLeaveNamesSuccessor;
    leave.value_ns = n;
    break;
  }
  out.broadcast(leave);
  Note sent(NoteWhat::kTspLeaveSent);
  if (leave.flags & kLeaveNamesSuccessor) sent.with_subject(static_cast<NodeId>(leave.value_ns));
  out.note(std::move(sent));
}

void TspElection::handle_leave(NodeId from, const Message& msg, Effects& out) {
  if (state_ != State::kSlave || from != master_) return;
  // The master said goodbye: elect now. The successor it names stands at once; the others give
  // it two candidate windows. Without one (or after those), a random pause within the answer
  // jitter spreads the slaves' candidacies, as the randomized election timeout would, so that
  // one usually wins the first round; the usual REFUSE/QUIT rules settle any collision.
  master_ = kNoNode;
  // The refuse window protects the candidate this node accepted; that candidate has just left, so
  // the next candidate must not be refused on its account.
  if (accepted_candidate_ == from) has_accepted_ = false;
  const bool named = (msg.flags & kLeaveNamesSuccessor) != 0 && msg.value_ns >= 0 && msg.value_ns < kNoNode;
  const NodeId successor = named ? static_cast<NodeId>(msg.value_ns) : kNoNode;
  const DurationRange soon{Duration::zero(), cfg_.answer_jitter.max};
  Duration pause = draw(rng_, soon);
  if (successor == self_ && can_be_master_) {
    pause = Duration::zero();
  } else if (successor != kNoNode) {
    pause = pause + cfg_.candidate_window * 2;
  }
  out.note(Note(NoteWhat::kMasterLeft).with_subject(from));
  live_.watch(pause, out);
  after_leave_ = true;
}

void TspElection::on_message(LocalTime now, NodeId from, const Message& msg, Effects& out) {
  if (from == self_) return;  // timed drops its own broadcasts
  switch (msg.type) {
    case MsgType::kMasterReq: handle_master_req(from, msg, now, out); return;
    case MsgType::kMasterAck: handle_master_ack(from, msg, now, out); return;
    case MsgType::kMasterUp: handle_master_up(from, msg, now, out); return;
    case MsgType::kSlaveUp:
      if (state_ == State::kCandidate) add_supporter(from, msg);
      return;
    case MsgType::kLeave: handle_leave(from, msg, out); return;
    case MsgType::kElection: handle_election(from, msg, now, out); return;
    case MsgType::kAccept:
      ack(from, msg, out);
      if (state_ == State::kCandidate && msg.term == term_) add_supporter(from, msg);
      return;
    case MsgType::kRefuse:
      ack(from, msg, out);
      handle_refuse(from, msg, now, out);
      return;
    case MsgType::kQuit:
      ack(from, msg, out);
      handle_quit(from, msg, now, out);
      return;
    case MsgType::kConflict:
      ack(from, msg, out);
      if (state_ == State::kMaster && !resolving_) {
        out.note(Note(NoteWhat::kConflictReported).with_peer(from));
        start_resolve(out);
      }
      return;
    case MsgType::kResolve:
      if (state_ == State::kMaster) {
        Message reply = mastership(MsgType::kMasterAck);
        reply.seq = msg.seq;
        out.send(from, reply);
      }
      return;
    case MsgType::kLoop: handle_loop(from, msg, now, out); return;
    case MsgType::kElectionAck:
      if (auto done = acks_.on_reply(MsgType::kElectionAck, msg.seq, out)) on_ack_done(*done, true, now, out);
      return;
    default:
      return;
  }
}

void TspElection::handle_master_req(NodeId from, const Message& msg, LocalTime now, Effects& out) {
  // timed yields to a starting peer (holds its election back, gives up its candidacy, or does not
  // master the net itself), since that peer will master the net if no one answers it. A peer that
  // may not lead never will: yielding to it only delays, and such peers asking again and again
  // would hold every other node back forever. It joins whoever wins, through MASTERUP.
  const bool may_lead = (msg.flags & kSenderMayNotLead) == 0;
  switch (state_) {
    case State::kMaster: {
      Message reply = mastership(MsgType::kMasterAck);
      reply.seq = msg.seq;
      out.send(from, reply);
      return;
    }
    case State::kSlave:
      if (may_lead) restart_election_timer(out);
      return;
    case State::kCandidate:
      if (may_lead) give_up(kNoNode, now, out, because(NoteWhy::kPeerStartingUp).with_peer(from));
      return;
    case State::kLooking:
      if (may_lead) heard_other_starting_ = true;
      return;
  }
}

void TspElection::handle_master_ack(NodeId from, const Message& msg, LocalTime now, Effects& out) {
  // Every member hears a starting node's MASTERREQ, so an untrusted one could answer it first;
  // as with its MASTERUP, only a trusted master is followed (or reported as a second master). A
  // master still tells an untrusted rival that answers its RESOLVE to quit.
  const bool trusted = cfg_.trusts(from);
  if (!trusted && state_ != State::kMaster) {
    out.note(Note(NoteWhat::kUntrustedMaster).with_peer(from));
    return;
  }
  if (trusted && msg.term > term_) term_ = msg.term;
  if (state_ == State::kLooking && msg.seq == master_req_seq_) {
    if (auto done = acks_.on_reply(MsgType::kMasterAck, msg.seq, out)) {
      purposes_.erase(done->msg.seq);
      become_slave(from, now, out, because(NoteWhy::kAnsweredMasterReq));
      Message up = make_message(MsgType::kSlaveUp, next_seq());
      up.subject = from;
      if (!can_be_master_) up.flags = kSenderMayNotLead;
      out.send(from, up);
      // §4: listen a little longer for a second master.
      awaiting_second_answer_ = true;
      out.set_timer(timer(kSecondAnswerTimer), cfg_.second_answer_wait);
    }
    return;
  }
  if (awaiting_second_answer_ && msg.seq == master_req_seq_ && from != master_ && master_ != kNoNode) {
    awaiting_second_answer_ = false;
    out.note(Note(NoteWhat::kSecondMasterAnswered).with_peer(from).with_subject(master_));
    Message c = make_message(MsgType::kConflict);
    c.subject = from;
    acksend(master_, c, Purpose::kConflict, Duration::zero(), out);
    return;
  }
  if (state_ == State::kMaster && resolving_ && msg.seq == resolve_seq_) {
    acks_.on_reply(MsgType::kMasterAck, msg.seq, out);
    out.note(Note(NoteWhat::kAlsoMaster).with_peer(from));
    send_quit(from, out);
  }
}

void TspElection::handle_master_up(NodeId from, const Message& msg, LocalTime now, Effects& out) {
  if (state_ != State::kMaster && !cfg_.trusts(from)) {
    // timed: only a trusted sender's MASTERUP is followed.
    out.note(Note(NoteWhat::kUntrustedMaster).with_peer(from));
    return;
  }
  if (msg.term > term_) term_ = msg.term;
  switch (state_) {
    case State::kMaster:
      quit_rival(NoteWhat::kMasterUpFromMaster, from, out);
      return;
    case State::kCandidate:
      give_up(from, now, out, because(NoteWhy::kPeerAnnouncedMaster).with_peer(from));
      join_later(from, out);
      return;
    case State::kLooking:
      acks_.cancel(master_req_seq_, out);
      purposes_.erase(master_req_seq_);
      become_slave(from, now, out, because(NoteWhy::kAnnouncedMaster));
      join_later(from, out);
      return;
    case State::kSlave:
      become_slave(from, now, out, because(NoteWhy::kAnnouncedMaster));
      join_later(from, out);
      return;
  }
}

void TspElection::handle_election(NodeId from, const Message& msg, LocalTime now, Effects& out) {
  if (msg.term > term_) term_ = msg.term;
  switch (state_) {
    case State::kMaster:
      quit_rival(NoteWhat::kQuitsCandidate, from, out);
      return;
    case State::kCandidate: {
      Message r = make_message(MsgType::kRefuse);
      r.subject = from;
      r.term = msg.term;
      out.note(Note(NoteWhat::kRefusesAsCandidate).with_peer(from).with_election({from, msg.term}));
      acksend(from, r, Purpose::kRefuse, jitter(), out);
      return;
    }
    case State::kLooking:
      heard_other_starting_ = true;
      break;
    case State::kSlave:
      restart_election_timer(out);
      break;
  }
  if (!cfg_.trusts(from)) {
    // §10: an untrusted candidate is told to QUIT (timed's slave.c).
    out.note(Note(NoteWhat::kUntrustedMaster).with_peer(from).with_election({from, msg.term}));
    Message q = make_message(MsgType::kQuit);
    q.subject = self_;
    q.term = msg.term;
    q.flags = kQuitUntrusted;
    acksend(from, q, Purpose::kRefuse, jitter(), out);
    return;
  }
  // §10: accept the first candidate; refuse others within the refuse window.
  Message reply = make_message(MsgType::kAccept);
  reply.subject = from;
  reply.term = msg.term;
  if (!can_be_master_) reply.flags = kSenderMayNotLead;
  if (has_accepted_ && accepted_candidate_ != from && now - accepted_at_ < cfg_.refuse_window) {
    reply.type = MsgType::kRefuse;
    out.note(Note(NoteWhat::kRefusesCandidate)
                 .with_peer(from)
                 .with_election({from, msg.term})
                 .with_subject(accepted_candidate_)
                 .with_value(now - accepted_at_));
    acksend(from, reply, Purpose::kRefuse, jitter(), out);
    return;
  }
  has_accepted_ = true;
  accepted_candidate_ = from;
  accepted_at_ = now;
  out.note(Note(NoteWhat::kAcceptsCandidate).with_peer(from).with_election({from, msg.term}));
  acksend(from, reply, Purpose::kAccept, jitter(), out);
}

void TspElection::handle_refuse(NodeId from, const Message& msg, LocalTime now, Effects& out) {
  if (state_ != State::kCandidate || msg.term != term_) return;  // an answer to an older candidacy
  give_up(kNoNode, now, out, because(NoteWhy::kRefusedBy).with_peer(from));
}

void TspElection::handle_quit(NodeId from, const Message& msg, LocalTime now, Effects& out) {
  if (state_ == State::kCandidate) {
    // A master's QUIT makes the candidate its slave; an untrusting slave's only ends the candidacy.
    // A master this node does not trust is never followed, whatever its QUIT claims.
    const bool untrusting = (msg.flags & kQuitUntrusted) != 0 || !cfg_.trusts(from);
    give_up(untrusting ? kNoNode : from, now, out,
            because(untrusting ? NoteWhy::kToldToQuitBy : NoteWhy::kToldToQuitByMaster).with_peer(from));
    return;
  }
  if (state_ != State::kMaster) return;
  if ((msg.flags & kQuitUntrusted) != 0) {
    // A node that does not trust this master refuses its corrections (timed's suppress): obey,
    // as timed's doquit does, and leave the mastership to a trusted node.
    out.note(Note(NoteWhat::kQuitObeyed).with_peer(from));
    become_slave(kNoNode, now, out, because(NoteWhy::kToldToQuitBy).with_peer(from));
    return;
  }
  // An untrusted rival cannot outrank: following it would hand the mastership to a node the
  // slaves tell to QUIT, and the sync layer may trust everyone.
  if (cfg_.trusts(from) && outranks(msg.term, from)) {
    out.note(Note(NoteWhat::kToldToQuit).with_peer(from));
    become_slave(from, now, out, because(NoteWhy::kToldToQuitBy).with_peer(from));
    return;
  }
  out.note(Note(NoteWhat::kQuitIgnored).with_peer(from));
  send_quit(from, out);
}

void TspElection::handle_loop(NodeId from, const Message& msg, LocalTime now, Effects& out) {
  (void)msg;
  switch (state_) {
    case State::kMaster:
      quit_rival(NoteWhat::kLoopFromMaster, from, out);
      return;
    case State::kSlave:
      if (from == master_) {
        restart_election_timer(out);
      } else if (master_ == kNoNode) {
        become_slave(from, now, out, because(NoteWhy::kHeardLoop));
        join_later(from, out);
      }
      return;
    default:
      return;
  }
}

}  // namespace clocksim::election
