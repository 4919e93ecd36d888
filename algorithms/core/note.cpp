#include "algorithms/core/note.hpp"

namespace clocksim {

EventKind Note::kind() const { return note_what_kind(what); }

EventKind note_what_kind(NoteWhat w) {
  switch (w) {
    case NoteWhat::kCrashed:
    case NoteWhat::kStopped:
      return EventKind::kCrash;
    case NoteWhat::kRestarted:
      return EventKind::kRestart;
    case NoteWhat::kLinkDown:
      return EventKind::kLinkDown;
    case NoteWhat::kLinkRestored:
      return EventKind::kLinkUp;
    case NoteWhat::kPartitioned:
      return EventKind::kPartition;
    case NoteWhat::kHealed:
      return EventKind::kHeal;
    case NoteWhat::kClockStepped:
      return EventKind::kClockStep;
    case NoteWhat::kTopologyWarning:
    case NoteWhat::kNoMasterToCrash:
    case NoteWhat::kNoMasterToStop:
    case NoteWhat::kNoCrashedMasterToRestart:
    case NoteWhat::kNoStoppedMasterToRestart:
    case NoteWhat::kCorrected:
    case NoteWhat::kStandbyStarts:
    case NoteWhat::kStandbyListens:
    case NoteWhat::kStandbyLeaveSent:
    case NoteWhat::kRingWinnerLeft:
    case NoteWhat::kRingNobodyMayLead:
    case NoteWhat::kRingWinner:
    case NoteWhat::kElectedIgnored:
    case NoteWhat::kRingListens:
    case NoteWhat::kNoElected:
    case NoteWhat::kRingLeaveSent:
    case NoteWhat::kRingNodeBack:
    case NoteWhat::kTspStarts:
    case NoteWhat::kAsksAgain:
    case NoteWhat::kTspLeaveSent:
    case NoteWhat::kQuitsCandidate:
    case NoteWhat::kRefusesAsCandidate:
    case NoteWhat::kRefusesCandidate:
    case NoteWhat::kAcceptsCandidate:
    case NoteWhat::kMayNotLeadWaits:
    case NoteWhat::kBullyStartsElecting:
    case NoteWhat::kBullyListens:
    case NoteWhat::kNoLeaderAnswered:
    case NoteWhat::kNoCoordinatorAfterOk:
    case NoteWhat::kBullyLeaveSent:
    case NoteWhat::kBullyNodeBack:
    case NoteWhat::kTakesElectionOver:
    case NoteWhat::kOkReceived:
    case NoteWhat::kMalformedStampDropped:
    case NoteWhat::kNoVectorStampDropped:
    case NoteWhat::kRingForeignIdDropped:
    case NoteWhat::kNtpPanic:
    case NoteWhat::kNtpStepped:
    case NoteWhat::kNtpStartupWait:
    case NoteWhat::kClockGuarded:
    case NoteWhat::kHostAdded:
    case NoteWhat::kSetTimeSent:
    case NoteWhat::kByzantineStarts:
    case NoteWhat::kByzantineEnds:
      return EventKind::kInfo;
    case NoteWhat::kFtReplyDiscarded:
    case NoteWhat::kFtReadingOverflows:
    case NoteWhat::kNtpUnmatchedReply:
      return EventKind::kLateReply;
    case NoteWhat::kFtTooFewReadings:
    case NoteWhat::kNoNeighbourAnswered:
      return EventKind::kPeerUnreachable;
    case NoteWhat::kNeighbourRoundComplete:
    case NoteWhat::kFtRoundComplete:
      return EventKind::kRoundComplete;
    case NoteWhat::kNtpNoMajority:
    case NoteWhat::kNtpFalseticker:
    case NoteWhat::kNtpLoop:
    case NoteWhat::kNtpTooFewSane:
      return EventKind::kOutlier;
    case NoteWhat::kNtpSynchronized:
      return EventKind::kBecameSlave;
    case NoteWhat::kReplyDiscarded:
    case NoteWhat::kStaleCorrection:
      return EventKind::kLateReply;
    case NoteWhat::kMasterUnheard:
    case NoteWhat::kMasterLeft:
    case NoteWhat::kMasterLeftRelayed:
    case NoteWhat::kNoMasterHeard:
    case NoteWhat::kMasterSilentFor:
    case NoteWhat::kNoHeartbeatFromMaster:
    case NoteWhat::kRingMasterLeft:
    case NoteWhat::kNoMasterFor:
    case NoteWhat::kNoWordFromMaster:
    case NoteWhat::kNoCoordinatorHeard:
    case NoteWhat::kNoHeartbeatFromCoordinator:
      return EventKind::kMasterSilent;
    case NoteWhat::kRoundUnanswered:
    case NoteWhat::kCorrectionUnacknowledged:
    case NoteWhat::kHostDropped:
    case NoteWhat::kServerSilent:
    case NoteWhat::kHopSkipped:
    case NoteWhat::kHopSkippedToSelf:
    case NoteWhat::kNotAcknowledged:
      return EventKind::kPeerUnreachable;
    case NoteWhat::kOwnClockOutlier:
    case NoteWhat::kDeltaOutlier:
      return EventKind::kOutlier;
    case NoteWhat::kRoundComplete:
      return EventKind::kRoundComplete;
    case NoteWhat::kBecomesMaster:
      return EventKind::kBecameMaster;
    case NoteWhat::kStandbyFollows:
    case NoteWhat::kFollowsMaster:
    case NoteWhat::kSlaveNoMaster:
    case NoteWhat::kSlaveOf:
    case NoteWhat::kQuitObeyed:
    case NoteWhat::kGivesUpCandidacy:
    case NoteWhat::kFollowsCoordinator:
      return EventKind::kBecameSlave;
    case NoteWhat::kOutranked:
    case NoteWhat::kHigherMasterHeard:
    case NoteWhat::kConflictReported:
    case NoteWhat::kSecondMasterAnswered:
    case NoteWhat::kAlsoMaster:
    case NoteWhat::kMasterUpFromMaster:
    case NoteWhat::kToldToQuit:
    case NoteWhat::kQuitIgnored:
    case NoteWhat::kUntrustedMaster:
    case NoteWhat::kQuitSuppressed:
    case NoteWhat::kRateRefused:
    case NoteWhat::kLoopFromMaster:
    case NoteWhat::kBulliesLower:
    case NoteWhat::kHigherCoordinatorHeard:
      return EventKind::kConflict;
    case NoteWhat::kRingElectionStarted:
    case NoteWhat::kTspElectionStarted:
    case NoteWhat::kElectionNoHigherId:
    case NoteWhat::kBullyElectionStarted:
      return EventKind::kElectionStarted;
  }
  return EventKind::kInfo;
}

std::string_view note_what_name(NoteWhat w) {
  switch (w) {
    case NoteWhat::kCrashed: return "crashed";
    case NoteWhat::kStopped: return "stopped";
    case NoteWhat::kRestarted: return "restarted";
    case NoteWhat::kLinkDown: return "link_down";
    case NoteWhat::kLinkRestored: return "link_restored";
    case NoteWhat::kPartitioned: return "partitioned";
    case NoteWhat::kHealed: return "healed";
    case NoteWhat::kClockStepped: return "clock_stepped";
    case NoteWhat::kTopologyWarning: return "topology_warning";
    case NoteWhat::kNoMasterToCrash: return "no_master_to_crash";
    case NoteWhat::kNoMasterToStop: return "no_master_to_stop";
    case NoteWhat::kNoCrashedMasterToRestart: return "no_crashed_master_to_restart";
    case NoteWhat::kNoStoppedMasterToRestart: return "no_stopped_master_to_restart";
    case NoteWhat::kReplyDiscarded: return "reply_discarded";
    case NoteWhat::kMasterUnheard: return "master_unheard";
    case NoteWhat::kRoundUnanswered: return "round_unanswered";
    case NoteWhat::kOwnClockOutlier: return "own_clock_outlier";
    case NoteWhat::kDeltaOutlier: return "delta_outlier";
    case NoteWhat::kRoundComplete: return "round_complete";
    case NoteWhat::kCorrectionUnacknowledged: return "correction_unacknowledged";
    case NoteWhat::kStaleCorrection: return "stale_correction";
    case NoteWhat::kHostDropped: return "host_dropped";
    case NoteWhat::kHostAdded: return "host_added";
    case NoteWhat::kSetTimeSent: return "settime_sent";
    case NoteWhat::kUntrustedMaster: return "untrusted_master";
    case NoteWhat::kQuitObeyed: return "quit_obeyed";
    case NoteWhat::kQuitSuppressed: return "quit_suppressed";
    case NoteWhat::kServerSilent: return "server_silent";
    case NoteWhat::kCorrected: return "corrected";
    case NoteWhat::kBecomesMaster: return "becomes_master";
    case NoteWhat::kMasterLeft: return "master_left";
    case NoteWhat::kMasterLeftRelayed: return "master_left_relayed";
    case NoteWhat::kNoMasterHeard: return "no_master_heard";
    case NoteWhat::kStandbyFollows: return "standby_follows";
    case NoteWhat::kStandbyStarts: return "standby_starts";
    case NoteWhat::kStandbyListens: return "standby_listens";
    case NoteWhat::kMasterSilentFor: return "master_silent_for";
    case NoteWhat::kStandbyLeaveSent: return "standby_leave_sent";
    case NoteWhat::kOutranked: return "outranked";
    case NoteWhat::kRingElectionStarted: return "ring_election_started";
    case NoteWhat::kFollowsMaster: return "follows_master";
    case NoteWhat::kRingWinnerLeft: return "ring_winner_left";
    case NoteWhat::kRingNobodyMayLead: return "ring_nobody_may_lead";
    case NoteWhat::kRingWinner: return "ring_winner";
    case NoteWhat::kElectedIgnored: return "elected_ignored";
    case NoteWhat::kRingListens: return "ring_listens";
    case NoteWhat::kHopSkipped: return "hop_skipped";
    case NoteWhat::kHopSkippedToSelf: return "hop_skipped_to_self";
    case NoteWhat::kNoHeartbeatFromMaster: return "no_heartbeat_from_master";
    case NoteWhat::kNoElected: return "no_elected";
    case NoteWhat::kRingLeaveSent: return "ring_leave_sent";
    case NoteWhat::kRingMasterLeft: return "ring_master_left";
    case NoteWhat::kRingNodeBack: return "ring_node_back";
    case NoteWhat::kHigherMasterHeard: return "higher_master_heard";
    case NoteWhat::kSlaveNoMaster: return "slave_no_master";
    case NoteWhat::kSlaveOf: return "slave_of";
    case NoteWhat::kTspElectionStarted: return "tsp_election_started";
    case NoteWhat::kGivesUpCandidacy: return "gives_up_candidacy";
    case NoteWhat::kNotAcknowledged: return "not_acknowledged";
    case NoteWhat::kTspStarts: return "tsp_starts";
    case NoteWhat::kNoMasterFor: return "no_master_for";
    case NoteWhat::kNoWordFromMaster: return "no_word_from_master";
    case NoteWhat::kAsksAgain: return "asks_again";
    case NoteWhat::kTspLeaveSent: return "tsp_leave_sent";
    case NoteWhat::kConflictReported: return "conflict_reported";
    case NoteWhat::kSecondMasterAnswered: return "second_master_answered";
    case NoteWhat::kAlsoMaster: return "also_master";
    case NoteWhat::kMasterUpFromMaster: return "masterup_from_master";
    case NoteWhat::kQuitsCandidate: return "quits_candidate";
    case NoteWhat::kRefusesAsCandidate: return "refuses_as_candidate";
    case NoteWhat::kRefusesCandidate: return "refuses_candidate";
    case NoteWhat::kAcceptsCandidate: return "accepts_candidate";
    case NoteWhat::kToldToQuit: return "told_to_quit";
    case NoteWhat::kQuitIgnored: return "quit_ignored";
    case NoteWhat::kLoopFromMaster: return "loop_from_master";
    case NoteWhat::kElectionNoHigherId: return "election_no_higher_id";
    case NoteWhat::kMayNotLeadWaits: return "may_not_lead_waits";
    case NoteWhat::kBullyElectionStarted: return "bully_election_started";
    case NoteWhat::kFollowsCoordinator: return "follows_coordinator";
    case NoteWhat::kBullyStartsElecting: return "bully_starts_electing";
    case NoteWhat::kBullyListens: return "bully_listens";
    case NoteWhat::kNoCoordinatorHeard: return "no_coordinator_heard";
    case NoteWhat::kNoHeartbeatFromCoordinator: return "no_heartbeat_from_coordinator";
    case NoteWhat::kNoLeaderAnswered: return "no_leader_answered";
    case NoteWhat::kNoCoordinatorAfterOk: return "no_coordinator_after_ok";
    case NoteWhat::kBullyLeaveSent: return "bully_leave_sent";
    case NoteWhat::kBullyNodeBack: return "bully_node_back";
    case NoteWhat::kTakesElectionOver: return "takes_election_over";
    case NoteWhat::kOkReceived: return "ok_received";
    case NoteWhat::kBulliesLower: return "bullies_lower";
    case NoteWhat::kHigherCoordinatorHeard: return "higher_coordinator_heard";
    case NoteWhat::kFtReplyDiscarded: return "ft_reply_discarded";
    case NoteWhat::kFtReadingOverflows: return "ft_reading_overflows";
    case NoteWhat::kFtTooFewReadings: return "ft_too_few_readings";
    case NoteWhat::kFtRoundComplete: return "ft_round_complete";
    case NoteWhat::kNoNeighbourAnswered: return "no_neighbour_answered";
    case NoteWhat::kNeighbourRoundComplete: return "neighbour_round_complete";
    case NoteWhat::kMalformedStampDropped: return "malformed_stamp_dropped";
    case NoteWhat::kNoVectorStampDropped: return "no_vector_stamp_dropped";
    case NoteWhat::kNtpUnmatchedReply: return "ntp_unmatched_reply";
    case NoteWhat::kNtpNoMajority: return "ntp_no_majority";
    case NoteWhat::kNtpFalseticker: return "ntp_falseticker";
    case NoteWhat::kNtpPanic: return "ntp_panic";
    case NoteWhat::kNtpStepped: return "ntp_stepped";
    case NoteWhat::kNtpSynchronized: return "ntp_synchronized";
    case NoteWhat::kByzantineStarts: return "byzantine_starts";
    case NoteWhat::kByzantineEnds: return "byzantine_ends";
    case NoteWhat::kRateRefused: return "rate_refused";
    case NoteWhat::kRingForeignIdDropped: return "ring_foreign_id_dropped";
    case NoteWhat::kNtpLoop: return "ntp_loop";
    case NoteWhat::kNtpTooFewSane: return "ntp_too_few_sane";
    case NoteWhat::kNtpStartupWait: return "ntp_startup_wait";
    case NoteWhat::kClockGuarded: return "clock_guarded";
  }
  return "?";
}

std::string_view note_why_name(NoteWhy w) {
  switch (w) {
    case NoteWhy::kNone: return "";
    case NoteWhy::kWasMaster: return "was_master";
    case NoteWhy::kOthersStarting: return "others_starting";
    case NoteWhy::kMayNotLead: return "may_not_lead";
    case NoteWhy::kNoMasterAnswered: return "no_master_answered";
    case NoteWhy::kSynchronizing: return "synchronizing";
    case NoteWhy::kSilentMasterReplaced: return "silent_master_replaced";
    case NoteWhy::kPeerStartingUp: return "peer_starting_up";
    case NoteWhy::kAnsweredMasterReq: return "answered_master_req";
    case NoteWhy::kPeerAnnouncedMaster: return "peer_announced_master";
    case NoteWhy::kAnnouncedMaster: return "announced_master";
    case NoteWhy::kRefusedBy: return "refused_by";
    case NoteWhy::kToldToQuitByMaster: return "told_to_quit_by_master";
    case NoteWhy::kToldToQuitBy: return "told_to_quit_by";
    case NoteWhy::kHeardLoop: return "heard_loop";
    case NoteWhy::kWonElection: return "won_election";
    case NoteWhy::kNoHigherIdAnswered: return "no_higher_id_answered";
    case NoteWhy::kItsCoordinator: return "its_coordinator";
    case NoteWhy::kHeardHeartbeat: return "heard_heartbeat";
    case NoteWhy::kHigherId: return "higher_id";
    case NoteWhy::kWonRingElection: return "won_ring_election";
    case NoteWhy::kRingElectionOf: return "ring_election_of";
    case NoteWhy::kHeardHeartbeatMasterSilent: return "heard_heartbeat_master_silent";
    case NoteWhy::kDesignatedPrimary: return "designated_primary";
    case NoteWhy::kPrimaryNoMaster: return "primary_no_master";
    case NoteWhy::kStandbyTakesOver: return "standby_takes_over";
    case NoteWhy::kPrimaryMasterLeft: return "primary_master_left";
    case NoteWhy::kStandbyMasterLeft: return "standby_master_left";
    case NoteWhy::kOutranked: return "outranked";
    case NoteWhy::kSentMessage: return "sent_message";
    case NoteWhy::kInitiatedElection: return "initiated_election";
    case NoteWhy::kVouchedFor: return "vouched_for";
    case NoteWhy::kHoldsElection: return "holds_election";
    case NoteWhy::kClaimsToCoordinate: return "claims_to_coordinate";
    case NoteWhy::kBeatsLongAfterLeaving: return "beats_after_leaving";
    case NoteWhy::kTwoFaced: return "two_faced";
    case NoteWhy::kArbitrary: return "arbitrary";
    case NoteWhy::kGuardRateClamped: return "rate_clamped";
    case NoteWhy::kGuardStepAsSlew: return "step_as_slew";
    case NoteWhy::kGuardUndoClipped: return "undo_clipped";
    case NoteWhy::kGuardRateBudgetSpent: return "rate_budget_spent";
    case NoteWhy::kGuardRefusedRatePanicWindow: return "refused_rate_panic_window";
    case NoteWhy::kGuardRefusedPanic: return "refused_panic";
    case NoteWhy::kGuardRefusedMasterLimit: return "refused_master_limit";
    case NoteWhy::kGuardRefusedOverflow: return "refused_overflow";
    case NoteWhy::kGuardRefusedNotFinite: return "refused_not_finite";
    case NoteWhy::kGuardRefusedPanicWindow: return "refused_panic_window";
    case NoteWhy::kGuardRefusedUncorroborated: return "refused_uncorroborated";
  }
  return "";
}

}  // namespace clocksim
