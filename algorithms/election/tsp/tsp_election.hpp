// The TSP election of BSD timed (Gusella & Zatti; docs/berkeley-and-tsp.md §3-§11) as a sans-IO
// ElectionLayer.
//
// Startup (§4): reliably broadcast MASTERREQ; a MASTERACK makes the node a slave of that master
// (and a second MASTERACK within 300 ms from another master makes it report CONFLICT to the
// first). With no answer it becomes master if it may (-M) and nobody else is starting, else a
// slave with no master.
// Slave (§6): the election timer (delay2) restarts on master activity (ADJTIME/SETTIME via the
// sync layer, MASTERUP, MASTERREQ, ELECTION, LOOP of its master). When it expires a -M slave
// becomes a candidate (§10): broadcast ELECTION, collect ACCEPT for the candidate window, give up
// on REFUSE, QUIT, MASTERUP or MASTERREQ, else become master and broadcast MASTERUP.
// A slave ACCEPTs the first candidate and REFUSEs others for the refuse window.
// Conflicts (§5, §11): a master QUITs a candidate, CONFLICT makes a master RESOLVE and QUIT the
// other masters, a master hearing another master's LOOP or MASTERUP QUITs it; a master that
// receives QUIT becomes a slave of the sender. After any QUIT it wins, a master broadcasts
// MASTERUP so that the loser's slaves join it.
//
// Deliberate departures from timed, each to keep "exactly one master" reachable under loss:
//  - elections are numbered (Message::term: one above the highest number the candidate has
//    seen, continuing across its restarts); ACCEPT/REFUSE echo the number and a candidate
//    ignores answers meant for an earlier candidacy (timed flushes its queue instead). With the
//    candidate, the number names the election (ElectionId, "n7#3");
//  - two masters QUITting each other at once: the lower id obeys, the higher keeps mastership;
//  - a candidate that gave up redraws its timeout (timed 4.3 did, with an unbounded backoff);
//  - a slave with no known master adopts a master whose LOOP or MASTERUP it hears;
//  - a slave whose master has been silent for the shortest election timeout follows another
//    master that probes or corrects it (it missed that master's MASTERUP, an unacknowledged
//    broadcast), instead of standing as a candidate that will be told to QUIT.
#pragma once

#include <cstdint>
#include <map>
#include <set>

#include "algorithms/core/layers.hpp"
#include "algorithms/core/rng.hpp"
#include "algorithms/election/common/ack_sender.hpp"
#include "algorithms/election/common/draw.hpp"
#include "algorithms/election/common/election_setup.hpp"
#include "algorithms/election/common/liveness.hpp"
#include "algorithms/election/tsp/tsp_params.hpp"

namespace clocksim::election {

class TspElection final : public ElectionLayer {
 public:
  // kLooking: asking for a master at startup (timed NOMASTER); kSlave may know no master yet.
  enum class State : std::uint8_t { kLooking, kSlave, kCandidate, kMaster };

  explicit TspElection(const ElectionSetup& setup);

  void on_start(LocalTime now, Effects& out) override;
  void on_message(LocalTime now, NodeId from, const Message& msg, Effects& out) override;
  void on_timer(LocalTime now, TimerId id, Effects& out) override;
  void on_master_activity(NodeId master, LocalTime now, Effects& out) override;
  // Graceful shutdown (the daemon's SIGTERM): a master broadcasts LEAVE so that its slaves start
  // an election at once instead of waiting out their election timers (not in timed, which has no
  // orderly exit: its slaves notice a stopped master only by timeout). The LEAVE names a
  // successor, the lowest id among the nodes that supported this master's election: it stands at
  // once, alone, so that no two candidates collide and refuse each other (which would leave the
  // hand-over to the election timers). The others wait two candidate windows for its MASTERUP
  // before they race with short random pauses, as they do at once when no successor is named.
  void on_shutdown(LocalTime now, Effects& out) override;

  Role role() const override;
  NodeId believed_master() const override;

  State state() const { return state_; }
  std::uint32_t term() const { return term_; }
  Duration election_timeout() const { return timeout_; }

  // Local timer ids (TimerSpace part kElectionTimerPart).
  static constexpr std::uint32_t kElectionTimer = 1;
  static constexpr std::uint32_t kCandidateTimer = 2;
  static constexpr std::uint32_t kSecondAnswerTimer = 3;
  static constexpr std::uint32_t kLoopTimer = 4;
  static constexpr std::uint32_t kAckTimerBase = 0x10000;

 private:
  enum class Purpose : std::uint16_t { kNone, kMasterReq, kAccept, kRefuse, kQuit, kConflict, kResolve, kSlaveUp };

  std::uint32_t next_seq() { return seq_++; }
  std::uint32_t acksend(NodeId to, Message msg, Purpose purpose, Duration delay, Effects& out);
  void send_later(NodeId to, Message msg, Duration delay, Effects& out);
  // SLAVEUP to a master this node now follows, after the answer jitter (§5).
  void join_later(NodeId master, Effects& out);
  Duration jitter() { return draw(rng_, cfg_.answer_jitter); }

  void restart_election_timer(Effects& out);
  // `why`: a reason (because(...)) with the fields it names.
  void become_slave(NodeId master, LocalTime now, Effects& out, Note why);
  void become_master(LocalTime now, Effects& out, Note why);
  void start_candidacy(LocalTime now, Effects& out);
  void add_supporter(NodeId from, const Message& msg);
  void give_up(NodeId master, LocalTime now, Effects& out, Note why);
  void look_for_master(Effects& out);
  void handle_leave(NodeId from, const Message& msg, Effects& out);
  void lookup_failed(LocalTime now, Effects& out);
  void start_resolve(Effects& out);
  void resolve_round(Effects& out);
  bool outranks(std::uint32_t their_term, NodeId them) const;
  Message mastership(MsgType type) const;
  void send_quit(NodeId to, Effects& out);
  // A master heard another master (`seen` says how) and tells it to QUIT.
  void quit_rival(NoteWhat seen, NodeId rival, Effects& out);
  void on_ack_done(const AckSender::Outgoing& item, bool acked, LocalTime now, Effects& out);

  void handle_master_req(NodeId from, const Message& msg, LocalTime now, Effects& out);
  void handle_master_ack(NodeId from, const Message& msg, LocalTime now, Effects& out);
  void handle_master_up(NodeId from, const Message& msg, LocalTime now, Effects& out);
  void handle_election(NodeId from, const Message& msg, LocalTime now, Effects& out);
  void handle_refuse(NodeId from, const Message& msg, LocalTime now, Effects& out);
  void handle_quit(NodeId from, const Message& msg, LocalTime now, Effects& out);
  void handle_loop(NodeId from, const Message& msg, LocalTime now, Effects& out);
  void ack(NodeId to, const Message& msg, Effects& out);

  static TimerId timer(std::uint32_t local) { return TimerSpace::make(kElectionTimerPart, local); }

  NodeId self_;
  bool can_be_master_;
  TspConfig cfg_;
  Rng rng_;
  AckSender acks_;
  Duration timeout_;  // current delay2
  Liveness live_;                // the election timer (with master_'s last sign of life), LEAVE
  bool after_leave_ = false;     // the election timer was armed by a LEAVE: firing is no timeout

  State state_ = State::kLooking;
  NodeId master_ = kNoNode;
  std::uint32_t term_ = 0;         // highest election number seen or held
  std::uint32_t master_term_ = 0;  // the election this node won (its rank as a master)
  std::uint32_t seq_ = 0;      // acksend counter (starts random, as timed's)
  std::map<std::uint32_t, Purpose> purposes_;  // seq -> what an outstanding acksend is for

  // Startup (lookformaster).
  std::uint32_t master_req_seq_ = 0;
  bool heard_other_starting_ = false;
  bool awaiting_second_answer_ = false;

  // Slave: the candidate accepted last and when (refuse window).
  NodeId accepted_candidate_ = kNoNode;
  LocalTime accepted_at_;
  bool has_accepted_ = false;

  // Candidate.
  std::set<NodeId> supporters_;
  std::set<NodeId> successors_;  // the supporters that may lead: whom a LEAVE may name

  // Master: outstanding QUITs (target -> seq) and the RESOLVE in progress.
  std::map<NodeId, std::uint32_t> quitting_;
  std::uint32_t resolve_seq_ = 0;
  bool resolving_ = false;
  std::int64_t resolve_rounds_left_ = 0;
};

}  // namespace clocksim::election
