#include "algorithms/election/bully/bully_election.hpp"

#include "algorithms/election/common/param_table.hpp"

namespace clocksim::election {

using namespace clocksim::literals;

namespace {
const ParamTable<BullyConfig>& bully_params() {
  static const ParamTable<BullyConfig> kTable = ParamTable<BullyConfig>::with_liveness(
      election_failure_timeout_spec(),
      {{{"answer_timeout", ParamType::kDuration, 500_ms,
         "T: wait for an OK from a higher id (Garcia-Molina: about 2 max one-way delays + processing)", 1e5, 1e13, {}},
        &BullyConfig::answer_timeout},
       {{"coordinator_timeout", ParamType::kDuration, 2_s,
         "T': after an OK, wait this long for COORDINATOR before restarting the election", 1e5, 1e13, {}},
        &BullyConfig::coordinator_timeout},
       {{"elect_on_start", ParamType::kBool, true,
         "hold an election when starting or recovering (Garcia-Molina); false: listen for a coordinator first",
         -1e300, 1e300, {}},
        &BullyConfig::elect_on_start}});
  return kTable;
}
}  // namespace

const std::vector<ParamSpec>& bully_param_specs() { return bully_params().specs(); }

BullyConfig BullyConfig::from(const ParamSet& params) { return bully_params().read(params); }

BullyElection::BullyElection(const ElectionSetup& setup)
    : self_(setup.membership.self),
      can_be_master_(setup.can_be_master),
      cfg_(BullyConfig::from(setup.params)),
      term_(setup.elections_before),
      live_(self_, {kHeartbeatTimer, kFailureTimer, cfg_.heartbeat_period, cfg_.failure_timeout},
            {NoteWhat::kNoCoordinatorHeard, NoteWhat::kNoHeartbeatFromCoordinator, NoteWhat::kBullyLeaveSent}) {
  if (setup.membership.members) members_ = *setup.membership.members;
}

Role BullyElection::role() const {
  switch (state_) {
    case State::kFollower: return Role::kSlave;
    case State::kElecting: return can_be_master_ ? Role::kCandidate : Role::kSlave;
    case State::kAwaitingCoordinator: return Role::kSlave;
    case State::kCoordinator: return Role::kMaster;
  }
  return Role::kNone;
}

NodeId BullyElection::believed_master() const {
  if (state_ == State::kCoordinator) return self_;
  return master_;  // during an election started for someone else: the coordinator still heard
}

void BullyElection::cancel_election_timers(Effects& out) {
  out.cancel_timer(timer(kAnswerTimer));
  out.cancel_timer(timer(kCoordinatorTimer));
}

void BullyElection::start_election(Effects& out, bool master_presumed_dead) {
  ++term_;
  state_ = State::kElecting;
  if (master_presumed_dead) master_ = kNoNode;
  live_.unwatch(out);
  out.cancel_timer(timer(kCoordinatorTimer));
  Message m = make_message(MsgType::kBullyElection);
  m.subject = self_;
  m.term = term_;
  if (!can_be_master_) m.flags |= kIneligibleSender;
  std::vector<NodeId> asked;
  for (NodeId id : members_) {
    if (id == self_ || (can_be_master_ && id < self_) || departed(id)) continue;
    out.send(id, m);
    asked.push_back(id);
  }
  if (asked.empty()) {
    if (can_be_master_) {
      out.note(Note(NoteWhat::kElectionNoHigherId).with_election(own_election()));
      become_coordinator(out);
    } else {
      out.note(Note(NoteWhat::kMayNotLeadWaits));
      state_ = State::kFollower;
      live_.watch(out);
    }
    return;
  }
  const std::size_t count = asked.size();
  out.note(Note(NoteWhat::kBullyElectionStarted)
               .with_election(own_election())
               .with_count(count)
               .with_group(std::move(asked)));
  out.set_timer(timer(kAnswerTimer), cfg_.answer_timeout);
}

void BullyElection::become_coordinator(Effects& out) {
  cancel_election_timers(out);
  live_.unwatch(out);
  const bool was = state_ == State::kCoordinator;
  state_ = State::kCoordinator;
  master_ = self_;
  if (!was) out.note(Note(NoteWhat::kBecomesMaster).because(NoteWhy::kNoHigherIdAnswered).with_election(own_election()));
  Message m = make_message(MsgType::kBullyCoordinator);
  m.subject = self_;
  m.term = term_;
  out.broadcast(m);
  live_.schedule_beat(out);
}

void BullyElection::follow(NodeId master, Effects& out, Note why) {
  const bool changed = state_ != State::kFollower || master_ != master;
  if (state_ == State::kCoordinator) live_.stop_beating(out);
  cancel_election_timers(out);
  state_ = State::kFollower;
  master_ = master;
  live_.watch(out);
  if (changed) out.note(std::move(why.as(NoteWhat::kFollowsCoordinator).with_subject(master)));
}

void BullyElection::on_start(LocalTime /*now*/, Effects& out) {
  if (cfg_.elect_on_start) {
    out.note(Note(NoteWhat::kBullyStartsElecting));
    start_election(out, true);
  } else {
    out.note(Note(NoteWhat::kBullyListens));
    live_.watch(out);
  }
}

void BullyElection::on_timer(LocalTime /*now*/, TimerId id, Effects& out) {
  switch (live_.fired(id)) {
    case Liveness::Fired::kHeartbeat:
      if (state_ == State::kCoordinator) live_.beat(live_.heartbeat(term_), out);
      return;
    case Liveness::Fired::kFailure:
      if (state_ != State::kFollower) return;
      out.note(live_.silence_note(master_, live_.failure_timeout()));
      start_election(out, true);
      return;
    case Liveness::Fired::kOther:
      break;
  }
  switch (TimerSpace::local(id)) {
    case kAnswerTimer:
      if (state_ != State::kElecting) return;
      if (can_be_master_) {
        become_coordinator(out);
      } else {
        out.note(Note(NoteWhat::kNoLeaderAnswered));
        state_ = State::kFollower;
        master_ = kNoNode;
        live_.watch(out);
      }
      return;
    case kCoordinatorTimer:
      if (state_ != State::kAwaitingCoordinator) return;
      out.note(Note(NoteWhat::kNoCoordinatorAfterOk).with_value(cfg_.coordinator_timeout));
      start_election(out, true);
      return;
    default:
      return;
  }
}

void BullyElection::on_master_activity(NodeId master, LocalTime /*now*/, Effects& out) {
  if (state_ == State::kFollower && master == master_) live_.watch(out);
}

void BullyElection::on_shutdown(LocalTime /*now*/, Effects& out) {
  live_.leave(state_ == State::kCoordinator, term_, out);
}

void BullyElection::handle_leave(NodeId from, LocalTime now, Effects& out) {
  // The leaver is not asked nor followed from now on (Liveness::depart); only our own
  // coordinator's LEAVE starts an election.
  live_.depart(from, now);
  if (state_ == State::kCoordinator || from != master_) return;
  out.note(Note(NoteWhat::kMasterLeft).with_subject(from));
  // Garcia-Molina's recovery step, started now rather than after the failure timeout: with the
  // leaver excluded, the highest live node finds nobody above it and claims at once.
  start_election(out, true);
}

void BullyElection::on_message(LocalTime now, NodeId from, const Message& msg, Effects& out) {
  if (from == self_) return;
  if (msg.type == MsgType::kLeave) {
    handle_leave(from, now, out);
    return;
  }
  if (departed(from)) {
    // Only a node that is up holds an election or claims. A late HEARTBEAT or OK was sent before
    // it left -- unless the HEARTBEAT comes more than a message delay (at most T, a round trip)
    // after the LEAVE: then its coordinator is back, and its claim did not reach this node.
    NoteWhy back = NoteWhy::kNone;
    if (msg.type == MsgType::kBullyElection) back = NoteWhy::kHoldsElection;
    if (msg.type == MsgType::kBullyCoordinator) back = NoteWhy::kClaimsToCoordinate;
    if (msg.type == MsgType::kHeartbeat && live_.beats_after_leaving(from, now, cfg_.answer_timeout)) {
      back = NoteWhy::kBeatsLongAfterLeaving;
    }
    if (back == NoteWhy::kNone) return;
    live_.revive(from);
    out.note(Note(NoteWhat::kBullyNodeBack).with_peer(from).because(back));
  }
  switch (msg.type) {
    case MsgType::kBullyElection: {
      const bool ineligible_sender = (msg.flags & kIneligibleSender) != 0;
      if (!can_be_master_ || (from > self_ && !ineligible_sender)) return;  // not ours to answer
      Message ok = make_message(MsgType::kBullyOk);
      ok.subject = self_;
      ok.term = msg.term;
      out.send(from, ok);
      if (state_ == State::kCoordinator) {
        // Already the highest live node: tell the asker who leads (only it asked).
        Message c = make_message(MsgType::kBullyCoordinator);
        c.subject = self_;
        c.term = term_;
        out.send(from, c);
        return;
      }
      // Take the election over unless a coordinator above us is still heard: that one answers
      // the asker itself, and if it is in fact dead our own failure timer fires within H. This
      // keeps a burst of ELECTIONs from restarting n elections at every node (O(n^3) messages).
      if (state_ == State::kFollower && (master_ == kNoNode || master_ < self_)) {
        out.note(Note(NoteWhat::kTakesElectionOver).with_peer(from).with_election({from, msg.term}));
        start_election(out, false);
      }
      return;
    }
    case MsgType::kBullyOk:
      if (state_ != State::kElecting) return;
      out.cancel_timer(timer(kAnswerTimer));
      state_ = State::kAwaitingCoordinator;
      out.note(Note(NoteWhat::kOkReceived).with_peer(from).with_election({self_, msg.term}));
      out.set_timer(timer(kCoordinatorTimer), cfg_.coordinator_timeout);
      return;
    case MsgType::kBullyCoordinator:
      if (from < self_ && can_be_master_) {
        if (state_ == State::kElecting || state_ == State::kAwaitingCoordinator) return;  // ours is under way
        out.note(Note(NoteWhat::kBulliesLower).with_peer(from));
        if (state_ == State::kCoordinator) {
          become_coordinator(out);  // re-announce
        } else {
          start_election(out, true);
        }
        return;
      }
      follow(from, out, because(NoteWhy::kItsCoordinator).with_election({from, msg.term}));
      return;
    case MsgType::kHeartbeat:
      switch (state_) {
        case State::kFollower:
          if (from == master_) {
            live_.watch(out);
          } else if (master_ == kNoNode || from > master_) {
            if (from < self_ && can_be_master_) {
              start_election(out, true);  // a lower coordinator while we live: bully it
            } else {
              follow(from, out, because(NoteWhy::kHeardHeartbeat));
            }
          }
          return;
        case State::kCoordinator:
          if (from > self_) {
            out.note(Note(NoteWhat::kHigherCoordinatorHeard).with_peer(from));
            follow(from, out, because(NoteWhy::kHigherId));
          }
          return;
        case State::kElecting:
        case State::kAwaitingCoordinator:
          if (from > self_ || !can_be_master_) follow(from, out, because(NoteWhy::kHeardHeartbeat));
          return;
      }
      return;
    default:
      return;
  }
}

}  // namespace clocksim::election
