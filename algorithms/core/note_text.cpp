#include "algorithms/core/note_text.hpp"

#include "algorithms/core/decimal_text.hpp"

namespace clocksim {

std::string NodeNames::operator()(NodeId id) const {
  if (id == kNoNode) return "none";
  if (id < names_.size()) return names_[id];
  return "n" + std::to_string(id);
}

namespace {

// "8.213s": a span rounded to the millisecond.
std::string seconds_text(std::int64_t ns) {
  return fixed_text(static_cast<double>(ns) * 1e-9, 3) + "s";
}

// "+1.234ms": an offset, signed.
std::string signed_ms_text(std::int64_t ns) {
  return fixed_text(static_cast<double>(ns) * 1e-6, 3, true) + "ms";
}

std::string ms_text(std::int64_t ns) {
  return fixed_text(static_cast<double>(ns) * 1e-6, 3) + "ms";
}

// "+0.001234ms": a correction to the nanosecond.
std::string signed_ms6_text(std::int64_t ns) {
  return fixed_text(static_cast<double>(ns) * 1e-6, 6, true) + "ms";
}

// An NTP server, or the node's own reference clock (kNoNode).
std::string server_text(NodeId id, const NodeNames& name, const char* reference) {
  return id == kNoNode ? std::string(reference) : name(id);
}

std::string num(const std::optional<std::uint32_t>& v) { return std::to_string(v.value_or(0)); }
// "n6#2"; "?" when the note names no election.
std::string election_text(const Note& n, const NodeNames& name) {
  return n.election ? election_id_text(*n.election, name(n.election->initiator)) : std::string("?");
}
std::string num(const std::optional<std::uint64_t>& v) { return std::to_string(v.value_or(0)); }

std::string why_text(const Note& n, const NodeNames& name) {
  switch (n.why) {
    case NoteWhy::kNone: return "";
    case NoteWhy::kWasMaster: return "was master";
    case NoteWhy::kOthersStarting: return "no master answered MASTERREQ and others are starting too";
    case NoteWhy::kMayNotLead: return "no master answered MASTERREQ; not allowed to be master";
    case NoteWhy::kNoMasterAnswered: return "no master answered MASTERREQ";
    case NoteWhy::kSynchronizing: return "it is synchronizing this node";
    case NoteWhy::kSilentMasterReplaced:
      return "its master " + name(n.peer) + " has been silent, and " + name(n.subject) + " is synchronizing this node";
    case NoteWhy::kPeerStartingUp: return name(n.peer) + " is starting up (MASTERREQ)";
    case NoteWhy::kAnsweredMasterReq: return "it answered MASTERREQ";
    case NoteWhy::kPeerAnnouncedMaster: return name(n.peer) + " announced itself master";
    case NoteWhy::kAnnouncedMaster: return "it announced itself master";
    case NoteWhy::kRefusedBy: return "refused by " + name(n.peer);
    case NoteWhy::kToldToQuitByMaster: return "told to QUIT by master " + name(n.peer);
    case NoteWhy::kToldToQuitBy: return "told to QUIT by " + name(n.peer);
    case NoteWhy::kHeardLoop: return "heard its LOOP";
    case NoteWhy::kWonElection: return "won election " + election_text(n, name) + ", " + num(n.count) + " accepted";
    case NoteWhy::kNoHigherIdAnswered: return "no higher id answered, election " + election_text(n, name);
    case NoteWhy::kItsCoordinator: return "its COORDINATOR, election " + election_text(n, name);
    case NoteWhy::kHeardHeartbeat: return "heard its heartbeat";
    case NoteWhy::kHigherId: return "higher id";
    case NoteWhy::kWonRingElection: return "won ring election " + election_text(n, name);
    case NoteWhy::kRingElectionOf: return "ring election " + election_text(n, name);
    case NoteWhy::kHeardHeartbeatMasterSilent: return "heard its heartbeat; " + name(n.peer) + " has been silent";
    case NoteWhy::kDesignatedPrimary: return "the designated primary";
    case NoteWhy::kPrimaryNoMaster: return "primary: no acting master heard";
    case NoteWhy::kStandbyTakesOver: return "standby takes over";
    case NoteWhy::kPrimaryMasterLeft: return "primary: the acting master " + name(n.peer) + " left";
    case NoteWhy::kStandbyMasterLeft: return "standby takes over: " + name(n.peer) + " left";
    case NoteWhy::kOutranked: return "outranked";
    case NoteWhy::kSentMessage: return "it sent " + std::string(msg_type_name(n.message));
    case NoteWhy::kInitiatedElection: return "it initiated an election";
    case NoteWhy::kVouchedFor: return "vouched for in an election";
    case NoteWhy::kHoldsElection: return "it holds an election";
    case NoteWhy::kClaimsToCoordinate: return "it claims to coordinate";
    case NoteWhy::kBeatsLongAfterLeaving: return "its heartbeats go on after its LEAVE";
    case NoteWhy::kTwoFaced: return "two-faced";
    case NoteWhy::kArbitrary: return "arbitrary";
    case NoteWhy::kGuardRateClamped: return "clamped to limits.max_rate_ppm";
    case NoteWhy::kGuardStepAsSlew: return "slewed, being below limits.min_step";
    case NoteWhy::kGuardUndoClipped: return "cut to what the panic window holds the other way";
    case NoteWhy::kGuardRateBudgetSpent: return "revoked: its movement used up the panic window";
    case NoteWhy::kGuardRefusedRatePanicWindow: return "refused: the last panic_window's corrections leave no room for its movement";
    case NoteWhy::kGuardRefusedPanic: return "refused: beyond limits.panic_threshold";
    case NoteWhy::kGuardRefusedMasterLimit: return "refused: a master's own correction beyond limits.master_max_adjust";
    case NoteWhy::kGuardRefusedOverflow: return "refused: the clock's reading would overflow";
    case NoteWhy::kGuardRefusedNotFinite: return "refused: not a finite rate";
    case NoteWhy::kGuardRefusedPanicWindow: return "refused: with the last panic_window's corrections, beyond limits.panic_threshold";
    case NoteWhy::kGuardRefusedUncorroborated: return "refused: a start-up correction beyond limits.panic_threshold that no majority corroborates";
  }
  return "";
}

// "[n0 n1 n2]"; a long side shows its first six names.
std::string group_text(const std::vector<NodeId>& g, const NodeNames& name) {
  std::string text = "[";
  for (std::size_t i = 0; i < g.size(); ++i) {
    if (i) text += ' ';
    if (i == 6 && g.size() > 8) {
      text += "... " + std::to_string(g.size() - 6) + " more";
      break;
    }
    text += name(g[i]);
  }
  return text + "]";
}

// "n5, n6, n7, n8, ... (12 nodes)": the first four of the nodes asked.
std::string asked_text(const Note& n, const NodeNames& name) {
  std::string text;
  if (!n.groups.empty()) {
    const auto& g = n.groups.front();
    for (std::size_t i = 0; i < g.size() && i < 4; ++i) text += (i ? ", " : "") + name(g[i]);
  }
  const std::uint64_t asked = n.count.value_or(0);
  if (asked > 4) text += ", ... (" + std::to_string(asked) + " nodes)";
  return text;
}

}  // namespace

std::string note_text(const Note& n, const NodeNames& name) {
  const std::int64_t v = n.value_ns.value_or(0);
  const std::string why = "(" + why_text(n, name) + ")";
  switch (n.what) {
    case NoteWhat::kCrashed: return n.why == NoteWhy::kWasMaster ? "crashed (was master)" : "crashed";
    case NoteWhat::kStopped:
      return n.why == NoteWhy::kWasMaster ? "stopped (graceful shutdown) (was master)" : "stopped (graceful shutdown)";
    case NoteWhat::kRestarted: return "restarted";
    case NoteWhat::kLinkDown: return "link to " + name(n.peer) + " down";
    case NoteWhat::kLinkRestored: return "link restored to " + name(n.peer);
    case NoteWhat::kPartitioned: {
      std::string text = "network partitioned:";
      for (const auto& g : n.groups) text += " " + group_text(g, name);
      return text;
    }
    case NoteWhat::kHealed: return "network healed";
    case NoteWhat::kClockStepped: return "clock stepped by " + std::to_string(v) + " ns";
    case NoteWhat::kTopologyWarning: return "warning: " + n.text;
    case NoteWhat::kNoMasterToCrash: return "fault: crash master, but there is no master";
    case NoteWhat::kNoMasterToStop: return "fault: stop master, but there is no master";
    case NoteWhat::kNoCrashedMasterToRestart: return "fault: no crashed master to restart";
    case NoteWhat::kNoStoppedMasterToRestart: return "fault: no stopped master to restart";

    case NoteWhat::kReplyDiscarded: return "discarded reply seq " + num(n.seq) + " from " + name(n.peer);
    case NoteWhat::kMasterUnheard:
      return "no word from master " + name(n.subject) + " for " + fixed_text(static_cast<double>(v) * 1e-9, 6) + " s";
    case NoteWhat::kRoundUnanswered: return name(n.peer) + " did not answer round " + num(n.round);
    case NoteWhat::kOwnClockOutlier: return "master's own clock outside the window this round";
    case NoteWhat::kDeltaOutlier: return name(n.peer) + " delta " + signed_ms_text(v) + " left out of the average";
    case NoteWhat::kRoundComplete:
      return "round " + num(n.round) + ": " + num(n.count) + " of " + num(n.total) + " slaves, avg " + signed_ms_text(v);
    case NoteWhat::kCorrectionUnacknowledged: return name(n.peer) + " never acknowledged its correction";
    case NoteWhat::kStaleCorrection:
      return "correction of round " + num(n.round) + " from " + name(n.peer) +
             " ignored: the clock was corrected after that measurement";
    case NoteWhat::kServerSilent: return "time server " + name(n.peer) + " did not answer";
    case NoteWhat::kHostDropped:
      return "dropped " + name(n.peer) + " from the host table after round " + num(n.round) + " (" + num(n.count) +
             " failures)";
    case NoteWhat::kHostAdded: return name(n.peer) + " announced itself: back in the host table";
    case NoteWhat::kSetTimeSent:
      return "round " + num(n.round) + ": SETTIME to " + name(n.peer) + " (correction " + signed_ms_text(v) + ")";
    case NoteWhat::kUntrustedMaster: return "refused a correction from untrusted " + name(n.peer) + ": told it to QUIT";
    case NoteWhat::kQuitObeyed: return "told to QUIT by " + name(n.peer) + ": no longer master";
    case NoteWhat::kQuitSuppressed: return "untrusted " + name(n.peer) + " said QUIT: told it to QUIT";
    case NoteWhat::kCorrected:
      return "corrected " + signed_ms_text(v) + ", rtt " + ms_text(n.rtt_ns.value_or(0)) + ", error bound +-" +
             ms_text(n.error_ns.value_or(0));

    case NoteWhat::kBecomesMaster: return "becomes master " + why;
    case NoteWhat::kMasterLeft: return "master " + name(n.subject) + " left (shutdown)";
    case NoteWhat::kMasterLeftRelayed:
      return "master " + name(n.subject) + " left (shutdown; relayed by " + name(n.peer) + ")";
    case NoteWhat::kNoMasterHeard: return "timeout: no master heard for " + seconds_text(v);

    case NoteWhat::kStandbyFollows: return "follows " + name(n.subject) + " " + why;
    case NoteWhat::kStandbyStarts: return "starts as standby of primary " + name(n.subject);
    case NoteWhat::kStandbyListens: return "starts: listens for the master";
    case NoteWhat::kMasterSilentFor: return "timeout: master " + name(n.subject) + " silent for " + seconds_text(v);
    case NoteWhat::kStandbyLeaveSent: return "shuts down: tells the standby to take over (LEAVE)";
    case NoteWhat::kOutranked: return "hears master " + name(n.peer) + ", which outranks it: steps down";

    case NoteWhat::kRingElectionStarted:
      return "starts ring election " + election_text(n, name) + ": ELECTION to " + name(n.subject);
    case NoteWhat::kFollowsMaster: return "follows master " + name(n.subject) + " " + why;
    case NoteWhat::kRingWinnerLeft:
      return "ring election " + election_text(n, name) + " came back naming " + name(n.subject) + ", which left: starts again";
    case NoteWhat::kRingNobodyMayLead: return "ring election " + election_text(n, name) + " found nobody who may lead";
    case NoteWhat::kRingWinner:
      return "ring election " + election_text(n, name) + " came back: " + name(n.subject) + " wins; sends ELECTED round";
    case NoteWhat::kElectedIgnored: return "ignores ELECTED naming " + name(n.subject) + ", which left";
    case NoteWhat::kRingListens: return "starts: listens for a master";
    case NoteWhat::kHopSkipped: return name(n.peer) + " does not answer: skips to " + name(n.subject);
    case NoteWhat::kHopSkippedToSelf: return name(n.peer) + " does not answer: skips to itself";
    case NoteWhat::kNoHeartbeatFromMaster:
      return "timeout: no heartbeat from master " + name(n.subject) + " for " + seconds_text(v);
    case NoteWhat::kNoElected: return "no ELECTED within " + seconds_text(v) + ": starts again";
    case NoteWhat::kRingLeaveSent: return "shuts down: tells its followers to elect a new master (LEAVE)";
    case NoteWhat::kRingMasterLeft:
      return "master " + name(n.subject) + " left (shutdown): initiates in " + seconds_text(v) +
             " unless an election reaches it first";
    case NoteWhat::kRingNodeBack: return name(n.peer) + " is back " + why;
    case NoteWhat::kHigherMasterHeard: return "hears master " + name(n.peer) + " with a higher id: steps down";

    case NoteWhat::kSlaveNoMaster: return "becomes slave, no master known " + why;
    case NoteWhat::kSlaveOf: return "becomes slave of " + name(n.subject) + " " + why;
    case NoteWhat::kTspElectionStarted: return "starts election " + election_text(n, name) + ": broadcasts ELECTION";
    case NoteWhat::kGivesUpCandidacy: return "gives up candidacy " + why;
    case NoteWhat::kNotAcknowledged:
      return name(n.peer) + " did not acknowledge " + std::string(msg_type_name(n.message));
    case NoteWhat::kTspStarts: return "starts: asks who is master (MASTERREQ)";
    case NoteWhat::kNoMasterFor: return "timeout: no master for " + seconds_text(v);
    case NoteWhat::kNoWordFromMaster:
      return "timeout: no word from master " + name(n.subject) + " for " + seconds_text(v);
    case NoteWhat::kAsksAgain: return "may not be master: asks for a master again (MASTERREQ)";
    case NoteWhat::kTspLeaveSent:
      if (n.subject != kNoNode) return "shuts down: hands over to " + name(n.subject) + ", the successor its LEAVE names";
      return "shuts down: tells its slaves to elect a new master (LEAVE)";
    case NoteWhat::kConflictReported: return name(n.peer) + " reports a second master: resolving (RESOLVE)";
    case NoteWhat::kSecondMasterAnswered:
      return "a second master " + name(n.peer) + " answered: reports CONFLICT to " + name(n.subject);
    case NoteWhat::kAlsoMaster: return name(n.peer) + " is also master: tells it to QUIT";
    case NoteWhat::kMasterUpFromMaster:
      return "hears MASTERUP from " + name(n.peer) + ", a second master: tells it to QUIT";
    case NoteWhat::kQuitsCandidate: return "is master: tells candidate " + name(n.peer) + " to QUIT";
    case NoteWhat::kRefusesAsCandidate: return "is a candidate itself: refuses candidate " + name(n.peer);
    case NoteWhat::kRefusesCandidate:
      return "refuses candidate " + name(n.peer) + ": accepted " + name(n.subject) + " " + seconds_text(v) + " ago";
    case NoteWhat::kAcceptsCandidate: return "accepts candidate " + name(n.peer) + " (election " + election_text(n, name) + ")";
    case NoteWhat::kToldToQuit: return "told to QUIT by master " + name(n.peer) + ": steps down";
    case NoteWhat::kQuitIgnored:
      return "ignores QUIT from " + name(n.peer) + " (elected earlier or lower id): tells it to QUIT";
    case NoteWhat::kLoopFromMaster: return "hears LOOP from another master " + name(n.peer) + ": tells it to QUIT";

    case NoteWhat::kElectionNoHigherId: return "starts election " + election_text(n, name) + ": no higher id exists";
    case NoteWhat::kMayNotLeadWaits: return "may not lead and has nobody to ask: waits";
    case NoteWhat::kBullyElectionStarted: return "starts election " + election_text(n, name) + ": ELECTION to " + asked_text(n, name);
    case NoteWhat::kFollowsCoordinator: return "follows coordinator " + name(n.subject) + " " + why;
    case NoteWhat::kBullyStartsElecting: return "starts: holds an election (Garcia-Molina recovery)";
    case NoteWhat::kBullyListens: return "starts: listens for a coordinator";
    case NoteWhat::kNoCoordinatorHeard: return "timeout: no coordinator heard for " + seconds_text(v);
    case NoteWhat::kNoHeartbeatFromCoordinator:
      return "timeout: no heartbeat from coordinator " + name(n.subject) + " for " + seconds_text(v);
    case NoteWhat::kNoLeaderAnswered: return "no node that may lead answered: retries later";
    case NoteWhat::kNoCoordinatorAfterOk:
      return "got OK but no COORDINATOR within " + seconds_text(v) + ": restarts election";
    case NoteWhat::kBullyLeaveSent: return "shuts down: tells its followers to elect a new coordinator (LEAVE)";
    case NoteWhat::kBullyNodeBack: return name(n.peer) + " is back: " + why_text(n, name);
    case NoteWhat::kTakesElectionOver:
      return "answers OK to " + name(n.peer) + "'s election " + election_text(n, name) + " and takes it over";
    case NoteWhat::kOkReceived:
      return name(n.peer) + " answered OK to election " + election_text(n, name) + ": waits for its COORDINATOR";
    case NoteWhat::kBulliesLower: return name(n.peer) + " claims to coordinate but has a lower id: bullies it";
    case NoteWhat::kHigherCoordinatorHeard:
      return "hears coordinator " + name(n.peer) + " with a higher id: steps down";

    case NoteWhat::kFtReplyDiscarded: return "discarded reply of round " + num(n.round) + " from " + name(n.peer);
    case NoteWhat::kFtReadingOverflows: return "discarded reply from " + name(n.peer) + ": its reading overflows";
    case NoteWhat::kFtTooFewReadings:
      return "round " + num(n.round) + ": only " + num(n.count) + " peers answered, too few to drop " + num(n.total) +
             " at each end";
    case NoteWhat::kFtRoundComplete:
      return "round " + num(n.round) + ": " + num(n.count) + " peers read, corrected " + signed_ms6_text(v);

    case NoteWhat::kNoNeighbourAnswered: return "round " + num(n.round) + ": no neighbour answered";
    case NoteWhat::kNeighbourRoundComplete:
      return "round " + num(n.round) + ": " + num(n.count) + " of " + num(n.total) + " neighbours read, corrected " +
             signed_ms6_text(v);

    case NoteWhat::kMalformedStampDropped:
      return "dropped a malformed " + std::string(msg_type_name(n.message)) + " from " + name(n.peer);
    case NoteWhat::kNoVectorStampDropped:
      return "dropped a message from " + name(n.peer) + " without a full vector stamp";

    case NoteWhat::kNtpUnmatchedReply:
      return "NTP: dropped a reply from " + name(n.peer) + " that answers no pending request";
    case NoteWhat::kNtpNoMajority: return "NTP: no majority of servers agrees (no truechimers)";
    case NoteWhat::kNtpFalseticker:
      return "NTP: falseticker " + server_text(n.peer, name, "reference clock") + " offset " + signed_ms_text(v);
    case NoteWhat::kNtpPanic: return "NTP: offset " + signed_ms_text(v) + " beyond the panic threshold; ignored";
    case NoteWhat::kNtpStepped: return "NTP: stepped the clock by " + signed_ms_text(v);
    case NoteWhat::kNtpTooFewSane:
      return "NTP: only " + num(n.count) + " of the " + num(n.total) +
             " agreeing servers needed (minsane); the clock is left alone";
    case NoteWhat::kNtpStartupWait:
      return "NTP: " + num(n.count) + " of " + num(n.total) + " servers selectable; the first clock update waits up to " +
             seconds_text(v) + " for the others";
    case NoteWhat::kClockGuarded:
      // Only a frequency correction is clamped, found not finite, revoked or refused for its
      // movement; its value is in ppb.
      if (n.why == NoteWhy::kGuardRateClamped || n.why == NoteWhy::kGuardRefusedNotFinite ||
          n.why == NoteWhy::kGuardRateBudgetSpent || n.why == NoteWhy::kGuardRefusedRatePanicWindow) {
        return "clock guard: a frequency correction" +
               (n.value_ns ? " of " + fixed_text(static_cast<double>(v) * 1e-3, 6) + " ppm" : std::string()) + " " +
               why_text(n, name);
      }
      return "clock guard: a correction of " + signed_ms_text(v) + " " + why_text(n, name);
    case NoteWhat::kNtpLoop:
      return "NTP: server " + name(n.peer) + " is synchronized to this node (a timing loop); not selected while it is";
    case NoteWhat::kNtpSynchronized:
      return "NTP: synchronized to " + server_text(n.peer, name, "its reference clock") + " at stratum " + num(n.count) +
             ", offset " + signed_ms_text(v);

    case NoteWhat::kByzantineStarts:
      return "byzantine: " + why_text(n, name) + " liar, off by up to " + std::to_string(v) + " ns";
    case NoteWhat::kByzantineEnds: return "byzantine: honest again";
    case NoteWhat::kRateRefused:
      return "correction from " + name(n.peer) + " refused: its frequency correction of " + fixed_text(static_cast<double>(v) * 1e-3, 6) +
             " ppm is beyond max_rate_correction_ppm";
    case NoteWhat::kRingForeignIdDropped:
      return "dropped a " + std::string(msg_type_name(n.message)) + " from " + name(n.peer) + " naming " +
             std::to_string(v) + ", which is not a member";
  }
  return "";
}

}  // namespace clocksim
