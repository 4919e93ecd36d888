#include "algorithms/election/standby/standby_election.hpp"

#include "algorithms/election/common/param_table.hpp"

namespace clocksim::election {

using namespace clocksim::literals;

namespace {
const ParamTable<StandbyConfig>& standby_params() {
  static const ParamTable<StandbyConfig> kTable = ParamTable<StandbyConfig>::with_liveness(
      failure_timeout_spec("standby_timeout", "the standby takes over after hearing nothing from the master this long"),
      {{{"primary", ParamType::kInt, std::int64_t{0}, "node id of the pre-chosen master (the number of n<id>)", 0,
         4294967293.0, {}, /*names_node=*/true},
        &StandbyConfig::primary},
       {{"secondary", ParamType::kInt, std::int64_t{1}, "node id of the standby that takes over", 0, 4294967293.0, {},
         /*names_node=*/true},
        &StandbyConfig::secondary},
       {{"on_primary_return", ParamType::kChoice, std::string("resume"),
         "resume: a returning primary leads again at once; stay_secondary: it follows the acting master and "
         "becomes the standby",
         -1e300, 1e300, {"resume", "stay_secondary"}},
        &StandbyConfig::on_primary_return}});
  return kTable;
}
}  // namespace

const std::vector<ParamSpec>& standby_param_specs() { return standby_params().specs(); }

StandbyConfig StandbyConfig::from(const ParamSet& params) { return standby_params().read(params); }

StandbyElection::StandbyElection(const ElectionSetup& setup)
    : self_(setup.membership.self),
      can_be_master_(setup.can_be_master),
      cfg_(StandbyConfig::from(setup.params)),
      live_(self_, {kHeartbeatTimer, kWatchTimer, cfg_.heartbeat_period, cfg_.failure_timeout},
            {NoteWhat::kNoMasterHeard, NoteWhat::kMasterSilentFor, NoteWhat::kStandbyLeaveSent}) {}

bool StandbyElection::may_take_over() const {
  return can_be_master_ && (self_ == cfg_.primary || self_ == cfg_.secondary);
}

bool StandbyElection::outranks(NodeId a, std::uint32_t a_term, NodeId b, std::uint32_t b_term) const {
  if (cfg_.resume()) {
    if ((a == cfg_.primary) != (b == cfg_.primary)) return a == cfg_.primary;
    return a_term > b_term;
  }
  if (a_term != b_term) return a_term > b_term;
  return a == cfg_.primary && b != cfg_.primary;
}

void StandbyElection::heartbeat(Effects& out) {
  Message hb = live_.heartbeat(master_term_);
  if (relay_leaver_ != kNoNode) {
    hb.flags |= kRelaysLeave;
    hb.value_ns = relay_leaver_;
    relay_leaver_ = kNoNode;
  }
  live_.beat(hb, out);
}

void StandbyElection::lead(Effects& out, Note why) {
  if (!leading_) {
    // A takeover gets a term above every one seen; the primary's first start keeps term 0.
    master_term_ = (self_ == cfg_.primary && term_ == 0) ? 0 : term_ + 1;
    term_ = master_term_;
    out.note(std::move(why.as(NoteWhat::kBecomesMaster)));
  }
  leading_ = true;
  master_ = self_;
  live_.unwatch(out);
  heartbeat(out);
}

void StandbyElection::follow(NodeId master, std::uint32_t term, Effects& out, NoteWhy why) {
  const bool changed = leading_ || master_ != master;
  if (leading_) live_.stop_beating(out);
  leading_ = false;
  master_ = master;
  master_term_ = term;
  live_.watch(out);
  if (changed) out.note(Note(NoteWhat::kStandbyFollows).with_subject(master).because(why));
}

void StandbyElection::on_start(LocalTime /*now*/, Effects& out) {
  if (self_ == cfg_.primary && can_be_master_ && cfg_.resume()) {
    lead(out, because(NoteWhy::kDesignatedPrimary));
    return;
  }
  // Everyone else (and a primary told to stay secondary) listens first.
  master_ = self_ == cfg_.primary ? kNoNode : cfg_.primary;
  out.note(self_ == cfg_.secondary ? Note(NoteWhat::kStandbyStarts).with_subject(cfg_.primary)
                                   : Note(NoteWhat::kStandbyListens));
  // At a cold start the secondary gives a listening primary time to come up first.
  const bool cold_secondary = self_ == cfg_.secondary && !cfg_.resume();
  live_.watch(cold_secondary ? cfg_.failure_timeout * 2 : cfg_.failure_timeout, out);
}

void StandbyElection::on_timer(LocalTime /*now*/, TimerId id, Effects& out) {
  switch (live_.fired(id)) {
    case Liveness::Fired::kHeartbeat:
      if (leading_) heartbeat(out);
      return;
    case Liveness::Fired::kFailure:
      if (leading_) return;
      out.note(live_.silence_note(master_, cfg_.failure_timeout));
      if (may_take_over()) {
        lead(out, because(self_ == cfg_.primary ? NoteWhy::kPrimaryNoMaster : NoteWhy::kStandbyTakesOver));
        return;
      }
      master_ = kNoNode;
      live_.watch(out);
      return;
    case Liveness::Fired::kOther:
      return;
  }
}

void StandbyElection::on_master_activity(NodeId master, LocalTime /*now*/, Effects& out) {
  if (!leading_ && master == master_) live_.watch(out);
}

void StandbyElection::on_shutdown(LocalTime /*now*/, Effects& out) { live_.leave(leading_, master_term_, out); }

void StandbyElection::handle_leave(NodeId from, Effects& out) {
  if (leading_ || from != master_) return;  // not our master: ignore
  out.note(Note(NoteWhat::kMasterLeft).with_subject(from));
  if (may_take_over()) {
    relay_leaver_ = from;
    lead(out, because(self_ == cfg_.primary ? NoteWhy::kPrimaryMasterLeft : NoteWhy::kStandbyMasterLeft).with_peer(from));
    return;
  }
  // Follow whichever of the pair heartbeats next; the watch timer stays armed in case none does.
  master_ = kNoNode;
}

void StandbyElection::on_message(LocalTime /*now*/, NodeId from, const Message& msg, Effects& out) {
  if (from == self_) return;
  if (msg.type == MsgType::kLeave) {
    handle_leave(from, out);
    return;
  }
  if (msg.type != MsgType::kHeartbeat) return;
  // Only the pair may lead, so only the pair heartbeats. Anyone else's heartbeat is a lie (a
  // member's key is enough to send one): it would be followed whenever the term decides, and
  // its term would become the pair's next takeover term, up to the point of wrapping round.
  if (from != cfg_.primary && from != cfg_.secondary) return;
  if (msg.term > term_) term_ = msg.term;
  if (!leading_ && (msg.flags & kRelaysLeave) != 0 && from != master_ && master_ != kNoNode &&
      master_ == static_cast<NodeId>(msg.value_ns)) {
    // The new master's heartbeat overtook our master's own LEAVE.
    out.note(Note(NoteWhat::kMasterLeftRelayed).with_subject(master_).with_peer(from));
    master_ = kNoNode;
  }
  if (leading_) {
    if (outranks(from, msg.term, self_, master_term_)) {
      out.note(Note(NoteWhat::kOutranked).with_peer(from));
      follow(from, msg.term, out, NoteWhy::kOutranked);
    }
    return;
  }
  if (from == master_) {
    master_term_ = msg.term;
    live_.watch(out);
    return;
  }
  if (master_ == kNoNode || outranks(from, msg.term, master_, master_term_)) {
    follow(from, msg.term, out, NoteWhy::kHeardHeartbeat);
  }
}

}  // namespace clocksim::election
